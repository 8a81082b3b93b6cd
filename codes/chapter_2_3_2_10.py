# 代码清单 chapter_2_3_2_10.py：更进一步——小批量训练与打包判别器（PacGAN）
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_08 import plot_losses
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_random_seed

BATCH_SIZE = 64  # 每个小批量的真实图像数
LEARNING_RATE = 0.0004  # 小批量的梯度是 64 个样本的平均，噪声小，步子可以比清单 09 的 0.0001 大
PACK = 2  # PacGAN：判别器一次判断 2 张图像


class PackedDiscriminator(ImprovedDiscriminator):
    def __init__(self, pack=PACK):
        super().__init__()  # 沿用改良判别器的网络、BCE 损失与 train()
        self.pack = pack
        self.model[0] = nn.Linear(784 * pack, 200)  # 输入：pack 张图像首尾相接
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)

    def forward(self, inputs):
        # (n, 784) → (n/pack, 784×pack)：同一组的 pack 张图像要么全真，要么全伪，
        # 判别器看得到一组图像彼此是否太像——这正是模式崩溃的破绽
        return self.model(inputs.reshape(-1, 784 * self.pack))


class BatchGenerator(ImprovedGenerator):
    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


def train_gan_batches(D, G, mnist_dataset, batch_size=BATCH_SIZE):
    """一个轮次：打乱顺序，对每个小批量依次完成训练 GAN 的 3 个步骤。"""
    pack = getattr(D, "pack", 1)
    order = torch.randperm(len(mnist_dataset))
    for batch in gankit.progress(order.split(batch_size), "GAN batches"):
        real = mnist_dataset.images[batch]
        n = len(real) // pack * pack  # 凑成整组
        ones, zeros = torch.ones(n // pack, 1), torch.zeros(n // pack, 1)
        # 第1步：真实图像，目标 1.0；第2步：生成图像（detach），目标 0.0
        D.train(real[:n], ones)
        D.train(G.forward(generate_random_seed((n, 100))).detach(), zeros)
        # 第3步：训练生成器，目标是让判别器把一组生成图像判为“真”
        G.train(D, generate_random_seed((n, 100)), ones)


def plot_samples(G, rows=4, cols=8, seed=0):
    """rows×cols 个生成样本（固定的随机种子，每次画出同一批）。"""
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        images = G.forward(generate_random_seed((rows * cols, 100)))
    gankit.plot_images(images, cols=cols, size=1.1)


if __name__ == "__main__":
    args = gankit.parse_args("Listing 10: mini-batches and a packed discriminator (PacGAN) "
                             "against mode collapse (figure 2-67).", epochs=20)
    mnist_dataset = MnistDataset(args.data, args.limit)
    D = PackedDiscriminator()
    G = BatchGenerator()
    gankit.report(args, mnist_dataset, batch_size=BATCH_SIZE, pack=PACK, lr=LEARNING_RATE)
    gankit.train_epochs(gankit.run_name("remedy-pacgan2", args, mnist_dataset), {"D": D, "G": G},
                        lambda epoch: train_gan_batches(D, G, mnist_dataset), args.epochs,
                        args.retrain, args.checkpoints)
    plot_losses(D, G, reference=gankit.BCE_EQUILIBRIUM)
    gankit.save_figure("remedy-pacgan2-losses", args.out)
    plot_samples(G)  # 图2-67：32 个生成样本
    gankit.save_figure("2-67", args.out)
