# 代码清单 chapter_2_3_2_07.py：检查未训练的生成器的输出
from chapter_2_3_2_01 import *
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator

if __name__ == "__main__":
    args = gankit.parse_args(
        "Listing 07: the untrained generator's output (figure 2-60).")
    gankit.report(args)
    G = Generator()
    output = G.forward(generate_random(1))
    print(output.shape)  # 应为 784 个值
    img = output.detach().cpu().numpy().reshape(28, 28)
    plt.imshow(img, interpolation="none", cmap="Blues")
    gankit.save_figure("2-60", args.out)
