# 代码清单 09（chapter_2_3_2_09.py）：改良 GAN
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan, plot_losses, plot_generated

EPOCHS = 10  # 训练的轮次
NOISE_SIZE = 100  # 生成器的噪声：100 个正态分布的随机数


def generate_random_image(size):
    # 给判别器的随机图像：0~1 之间均匀分布，与真实像素值的范围一致
    return torch.rand(size)


def generate_normal_noise(size):
    # 给生成器的随机输入（噪声）：均值为 0、方差为 1 的正态分布
    return torch.randn(size)


class ImprovedDiscriminator(Discriminator):
    def __init__(self):
        # 沿用 counter、progress、train()，再换掉网络、损失函数和优化器
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784, 200),
            nn.LayerNorm(200),  # 在激活函数前归一化
            nn.LeakyReLU(0.02),  # 代替 Sigmoid
            nn.Linear(200, 1),
            nn.Sigmoid(),
        )
        self.loss_function = nn.BCELoss()  # 二元交叉熵代替均方误差
        # Adam 代替 SGD
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


class ImprovedGenerator(Generator):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(100, 200),  # 100 个随机数（噪声）作为输入
            nn.LayerNorm(200),
            nn.LeakyReLU(0.02),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


if __name__ == "__main__":
    run = gankit.start("代码清单 09：训练改良 GAN（10 个轮次后：图2-66）。",
                       epochs=EPOCHS, engine=True)
    mnist_dataset = MnistDataset(run.data, run.limit)
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    D = ImprovedDiscriminator()
    G = ImprovedGenerator()
    for epoch in run.epochs(D, G):
        train_gan(D, G, mnist_dataset, generate_normal_noise, NOISE_SIZE)
    plot_losses(D, G, reference=gankit.BCE_EQUILIBRIUM)  # BCE 的平衡值为 ln 2
    run.save_figure({10: "improved-gan-losses-10-epochs"})
    plot_generated(G, generate_normal_noise, NOISE_SIZE)
    run.save_figure({10: "2-66"})
    # 判别器对真实图像、随机图像与生成图像的平均输出
    with torch.no_grad():
        real = mnist_dataset.images[:100]  # 前 100 张（--limit 更小时为全部）
        print(f"D(真实图像) = {D.forward(real).mean():.3f}")
        noise_images = generate_random_image((100, 784))
        generated = G.forward(generate_normal_noise((100, NOISE_SIZE)))
        print(f"D(随机图像) = {D.forward(noise_images).mean():.3f}")
        print(f"D(G(噪声))  = {D.forward(generated).mean():.3f}")
