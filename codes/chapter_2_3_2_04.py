# 代码清单 chapter_2_3_2_04.py：生成 0~1 之间均匀分布的随机数
from chapter_2_3_2_01 import *


def generate_random(size):
    random_data = torch.rand(size)
    return random_data


if __name__ == "__main__":
    args = gankit.parse_args(
        "Listing 04: draw uniform random numbers in [0, 1).")
    gankit.report(args)
    noise = generate_random(784)
    print(f"shape {tuple(noise.shape)}, min {noise.min():.4f}, "
          f"max {noise.max():.4f}, mean {noise.mean():.4f}")
