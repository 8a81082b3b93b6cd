# 代码清单 05（chapter_2_3_2_05.py）：测试判别器，区分真实图像与随机图像
from chapter_2_3_2_01 import *
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random

EPOCHS = 1  # 训练的轮次


def train_on_real_and_noise(D, mnist_dataset):
    samples = gankit.progress(mnist_dataset, "判别器：真实图像与随机图像")
    for label, image_data_tensor, target_tensor in samples:
        # 真实图像：目标输出 1.0
        D.train(image_data_tensor, torch.tensor([1.0]))
        # 随机像素构成的伪造图像：目标输出 0.0
        D.train(generate_random(784), torch.tensor([0.0]))


if __name__ == "__main__":
    run = gankit.start("代码清单 05：测试判别器（图2-57）。", epochs=EPOCHS)
    mnist_dataset = MnistDataset(run.data, run.limit)
    torch.manual_seed(run.seed)
    print("随机数种子：", run.seed)
    D = Discriminator()
    for epoch in run.epochs(D):
        train_on_real_and_noise(D, mnist_dataset)
    gankit.plot_loss(D.progress, title="判别器")  # 只训练判别器：没有平衡值线
    run.save_figure("2-57")
    # 训练后的判别器：真实图像的输出应接近 1，随机图像的输出应接近 0
    with torch.no_grad():
        for i in range(min(4, len(mnist_dataset))):
            score = D.forward(mnist_dataset[i][1]).item()
            print(f"真实图像 {i}：D = {score:.4f}")
        for i in range(4):
            score = D.forward(generate_random(784)).item()
            print(f"随机图像 {i}：D = {score:.4f}")
