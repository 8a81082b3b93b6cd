# 代码清单 10（chapter_2_3_2_10.py）：小批量训练与特征匹配
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_09 import (ImprovedDiscriminator, ImprovedGenerator,
                              generate_normal_noise)

EPOCHS = 20  # 训练的轮次
BATCH_SIZE = 64  # 每个小批量的真实图像数
# 小批量的梯度是 64 个样本的平均，噪声小，步子可以比清单 09 的 0.0001 大
LEARNING_RATE = 0.0004


class BatchDiscriminator(ImprovedDiscriminator):
    def __init__(self):
        # 沿用改良判别器的网络、BCE 损失与 train()，只换学习率
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)

    def features(self, inputs):
        # 隐藏层的 200 个值：Linear → LayerNorm → LeakyReLU
        return self.model[:3](inputs)

    def train(self, inputs, targets):
        if bool((targets == 1).all()):
            # 第1步的真实图像，留给生成器的第3步
            self.real_batch = inputs.detach()
        super().train(inputs, targets)


class BatchGenerator(ImprovedGenerator):
    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


class FeatureMatchingGenerator(BatchGenerator):
    def train(self, D, inputs, targets):
        # 特征匹配：不求骗过判别器的输出，而让生成图像在判别器隐藏层上的平均特征
        # 与真实图像的一致——只画一两种数字，平均特征就对不上
        with torch.no_grad():
            real_features = D.features(D.real_batch).mean(0)
        fake_features = D.features(self.forward(inputs)).mean(0)
        loss = ((real_features - fake_features) ** 2).sum()
        self.counter += 1
        if self.counter % 10 == 0:
            self.progress.append(loss.item())
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()


def train_gan_batches(D, G, mnist_dataset, batch_size=BATCH_SIZE):
    """一个轮次：打乱顺序，对每个小批量依次完成训练 GAN 的 3 个步骤。"""
    order = torch.randperm(len(mnist_dataset))
    for batch in gankit.progress(order.split(batch_size), "GAN 小批量"):
        real = mnist_dataset.images[batch]
        n = len(real)
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        # 第1步：真实图像，目标 1.0；第2步：生成图像（detach），目标 0.0
        D.train(real, ones)
        D.train(G.forward(generate_normal_noise((n, 100))).detach(), zeros)
        # 第3步：训练生成器
        G.train(D, generate_normal_noise((n, 100)), ones)


def plot_samples(G, rows=4, cols=8, seed=0):
    """rows×cols 个生成样本（固定的随机数种子，每次画出同一批）。"""
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        images = G.forward(generate_normal_noise((rows * cols, 100)))
    gankit.plot_images(images, cols=cols, size=1.1)


if __name__ == "__main__":
    run = gankit.start("代码清单 10：特征匹配（图2-68）。", epochs=EPOCHS)
    mnist_dataset = MnistDataset(run.data, run.limit)
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    D = BatchDiscriminator()
    G = FeatureMatchingGenerator()
    for epoch in run.epochs(D, G):
        train_gan_batches(D, G, mnist_dataset)
    # 判别器的损失；生成器的特征匹配损失没有平衡值，不画
    D.plot_progress(reference=gankit.BCE_EQUILIBRIUM)
    run.save_figure("remedy-feature-matching-d-loss")
    plot_samples(G)  # 图2-68：32 个生成样本
    run.save_figure("2-68")
