# 代码清单 chapter_2_3_2_08.py：训练 GAN
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator


def train_gan(D, G, mnist_dataset, generate_seed=generate_random, seed_size=1):
    """一个轮次：对每个真实样本，依次完成训练 GAN 的 3 个步骤。"""
    samples = gankit.progress(mnist_dataset, "GAN")
    for label, image_data_tensor, target_tensor in samples:
        # 第1步：用真实数据训练判别器，目标输出 1.0
        D.train(image_data_tensor, torch.tensor([1.0]))
        # 第2步：用生成数据训练判别器，目标输出 0.0；
        # detach() 把生成器的输出从计算图中分离，梯度不会传回生成器
        fake = G.forward(generate_seed(seed_size)).detach()
        D.train(fake, torch.tensor([0.0]))
        # 第3步：训练生成器，目标是让判别器输出 1.0
        G.train(D, generate_seed(seed_size), torch.tensor([1.0]))


def plot_losses(D, G, reference=gankit.MSE_EQUILIBRIUM):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7))
    D.plot_progress(reference, ax=top)
    G.plot_progress(reference, ax=bottom)
    fig.tight_layout()


def plot_generated(G, generate_seed=generate_random, seed_size=1, count=6):
    """生成器对 count 组新的随机输入的输出，排成 2 行 3 列。"""
    with torch.no_grad():
        images = [G.forward(generate_seed(seed_size)) for _ in range(count)]
    gankit.plot_images(images, cols=3)


if __name__ == "__main__":
    args = gankit.parse_args("Listing 08: train the first GAN (figures 2-62, "
                             "2-63 after 1 epoch, 2-64 after 10).",
                             epochs=1, engine=True)
    mnist_dataset = MnistDataset(args.data, args.limit)
    D = Discriminator()
    G = Generator()
    gankit.train_gan_epochs("gan", args.training, mnist_dataset, D, G,
                            train_gan, generate_random, 1)
    # 1 个轮次后：图2-62（损失）与图2-63（输出）；10 个轮次后：图2-64（输出）
    loss_figure, output_figure = gankit.figure_names("gan", args.epochs)
    plot_losses(D, G)
    gankit.save_figure(loss_figure, args.out)
    plot_generated(G)
    gankit.save_figure(output_figure, args.out)
