# 代码清单 chapter_2_3_2_05.py：测试判别器——区分真实图像与随机噪声
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random


def train_on_real_and_noise(D, mnist_dataset):
    samples = gankit.progress(mnist_dataset, "D vs noise")
    for label, image_data_tensor, target_tensor in samples:
        # 真实图像：目标输出 1.0
        D.train(image_data_tensor, torch.tensor([1.0]))
        # 随机噪声构成的伪造图像：目标输出 0.0
        D.train(generate_random(784), torch.tensor([0.0]))


if __name__ == "__main__":
    args = gankit.parse_args("Listing 05: train the discriminator to tell "
                             "MNIST digits from noise (figure 2-57).", epochs=1)
    mnist_dataset = MnistDataset(args.data, args.limit)
    gankit.report(args, mnist_dataset)
    D = Discriminator()
    gankit.train_run("d-test", args.training, mnist_dataset, {"D": D},
                     lambda epoch: train_on_real_and_noise(D, mnist_dataset))
    D.plot_progress()
    gankit.save_figure("2-57", args.out)
    # 训练后的判别器：真实图像的输出应接近 1，随机噪声的输出应接近 0
    with torch.no_grad():
        for i in range(min(4, len(mnist_dataset))):
            score = D.forward(mnist_dataset[i][1]).item()
            print(f"real image {i}: D = {score:.4f}")
        for i in range(4):
            score = D.forward(generate_random(784)).item()
            print(f"random noise {i}: D = {score:.4f}")
