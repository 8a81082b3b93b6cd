# 代码清单 04（chapter_2_3_2_04.py）：生成均匀分布的随机数
from chapter_2_3_2_01 import *


def generate_random(size):
    random_data = torch.rand(size)
    return random_data


if __name__ == "__main__":
    run = gankit.start("代码清单 04：生成 0~1 之间均匀分布的随机数。")
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    noise = generate_random(784)
    print(f"形状 {tuple(noise.shape)}，最小值 {noise.min():.4f}，"
          f"最大值 {noise.max():.4f}，平均值 {noise.mean():.4f}")
