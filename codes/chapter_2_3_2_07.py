# 代码清单 07（chapter_2_3_2_07.py）：检查未训练的生成器的输出
from chapter_2_3_2_01 import *
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator

if __name__ == "__main__":
    run = gankit.start("代码清单 07：未训练的生成器的输出（图2-60）。")
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    G = Generator()
    output = G.forward(generate_random(1))
    print(output.shape)  # 应为 784 个值
    img = output.detach().cpu().numpy().reshape(28, 28)
    plt.imshow(img, interpolation="none", cmap="Blues")
    run.save_figure("2-60")
