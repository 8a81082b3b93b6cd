# 代码清单 11（chapter_2_3_2_11.py）：卷积 GAN
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_10 import train_gan_batches, plot_samples

EPOCHS = 8  # 训练的轮次（单线程训练的 CPU 时间见附录）
BATCH_SIZE = 32  # 每个小批量的真实图像数
LEARNING_RATE = 0.001  # 两个网络的学习率
BETAS = (0.5, 0.999)  # Adam 的两个动量系数（DCGAN 的取值）
EMA_DECAY = 0.999  # 指数滑动平均：每步保留旧平均值的 99.9%
# 谱归一化：每次计算前，把一层的权重除以它的最大奇异值
spectral_norm = nn.utils.parametrizations.spectral_norm


class ConvDiscriminator(Discriminator):
    def __init__(self):
        super().__init__()  # 沿用 counter、progress、train()
        self.model = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),  # 784 个像素 → 1 张 28×28 的图像
            # 4×4 的窗口，步长 2：边长减半 → 32×14×14
            spectral_norm(nn.Conv2d(1, 32, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(32, 64, 4, stride=2, padding=1)),  # 64×7×7
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            spectral_norm(nn.Linear(64 * 7 * 7, 1)),
            nn.Sigmoid(),
        )
        self.loss_function = nn.BCELoss()  # 与代码清单 09 相同
        self.optimiser = torch.optim.Adam(self.parameters(),
                                          lr=LEARNING_RATE, betas=BETAS)


class ConvGenerator(Generator):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(100, 64 * 7 * 7),  # 100 个随机数 → 64 张 7×7 的特征图
            nn.ReLU(),
            nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1),  # → 32×14×14
            nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),  # → 1×28×28
            nn.Sigmoid(),
            nn.Flatten(),  # → 784 个像素，与前面的生成器一样
        )
        self.optimiser = torch.optim.Adam(self.model.parameters(),
                                          lr=LEARNING_RATE, betas=BETAS)
        # 权重的指数滑动平均：另存一份网络，不参加训练，画图和打分都用它
        self.average = AveragedModel(
            self.model, multi_avg_fn=get_ema_multi_avg_fn(EMA_DECAY))

    def train(self, D, inputs, targets):
        super().train(D, inputs, targets)  # 第3步，与清单 06 相同
        self.average.update_parameters(self.model)


if __name__ == "__main__":
    run = gankit.start("代码清单 11：卷积 GAN（图2-70）。", epochs=EPOCHS)
    mnist_dataset = MnistDataset(run.data, run.limit)
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    D = ConvDiscriminator()
    G = ConvGenerator()
    for epoch in run.epochs(D, G):
        train_gan_batches(D, G, mnist_dataset, BATCH_SIZE)
    plot_samples(G.average)  # 图2-70：指数滑动平均的生成器画出的 32 个样本
    run.save_figure("conv-gan-samples")
