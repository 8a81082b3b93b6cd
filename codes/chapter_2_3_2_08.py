# 代码清单 08（chapter_2_3_2_08.py）：训练 GAN
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator

EPOCHS = 1  # 训练的轮次：先训练 1 个轮次；--epochs 10 再训练 9 个轮次


def train_gan(D, G, mnist_dataset, generate_noise=generate_random,
              noise_size=1):
    """一个轮次：对每个真实样本，依次完成训练 GAN 的 3 个步骤。"""
    samples = gankit.progress(mnist_dataset, "GAN")
    for label, image_data_tensor, target_tensor in samples:
        # 第1步：用真实数据训练判别器，目标输出 1.0
        D.train(image_data_tensor, torch.tensor([1.0]))
        # 第2步：用生成数据训练判别器，目标输出 0.0；
        # detach() 把生成器的输出从计算图中分离，梯度不会传回生成器
        fake = G.forward(generate_noise(noise_size)).detach()
        D.train(fake, torch.tensor([0.0]))
        # 第3步：训练生成器，目标是让判别器输出 1.0
        G.train(D, generate_noise(noise_size), torch.tensor([1.0]))


def plot_losses(D, G, reference=gankit.MSE_EQUILIBRIUM):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7))
    D.plot_progress(reference, ax=top)
    G.plot_progress(reference, ax=bottom)
    fig.tight_layout()


def plot_generated(G, generate_noise=generate_random, noise_size=1, count=6):
    """生成器对 count 份新的噪声的输出，排成 2 行 3 列。"""
    with torch.no_grad():
        images = [G.forward(generate_noise(noise_size)) for _ in range(count)]
    gankit.plot_images(images, cols=3)


if __name__ == "__main__":
    run = gankit.start("代码清单 08：训练 GAN（图2-62、图2-63、图2-64）。",
                       epochs=EPOCHS, engine=True)
    mnist_dataset = MnistDataset(run.data, run.limit)
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    D = Discriminator()
    G = Generator()
    for epoch in run.epochs(D, G):
        train_gan(D, G, mnist_dataset)
    plot_losses(D, G)  # 1 个轮次后：图2-62（损失）
    run.save_figure({1: "2-62", 10: "gan-losses-10-epochs"})
    plot_generated(G)  # 1 个轮次后：图2-63；10 个轮次后：图2-64（输出）
    run.save_figure({1: "2-63", 10: "2-64"})
