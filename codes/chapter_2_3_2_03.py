# 代码清单 03（chapter_2_3_2_03.py）：MNIST 判别器
from chapter_2_3_2_01 import *


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        # 784 个像素 → 200 个隐藏节点 → 1 个输出（1.0 表示真，0.0 表示伪）
        self.model = nn.Sequential(
            nn.Linear(784, 200),
            nn.Sigmoid(),
            nn.Linear(200, 1),
            nn.Sigmoid(),
        )
        self.loss_function = nn.MSELoss()  # 均方误差
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)
        self.counter = 0  # 已训练的步数
        self.progress = []  # 每 10 步记录一次损失值

    def forward(self, inputs):
        return self.model(inputs)

    def train(self, inputs, targets):
        outputs = self.forward(inputs)
        loss = self.loss_function(outputs, targets)
        self.counter += 1
        if self.counter % 10 == 0:
            self.progress.append(loss.item())
        self.optimiser.zero_grad()  # 清零梯度，反向传播，更新权重
        loss.backward()
        self.optimiser.step()

    def plot_progress(self, reference=gankit.MSE_EQUILIBRIUM, ax=None):
        # 红色虚线：达到平衡时的理论损失（MSE 为 0.25，BCE 为 ln 2）
        gankit.plot_loss(self.progress, reference,
                         f"平衡值 {reference:.3f}", "判别器", ax)


if __name__ == "__main__":
    run = gankit.start("代码清单 03：构建判别器并打印它。")
    D = Discriminator()
    print(D.model)
    print("参数个数：", sum(p.numel() for p in D.parameters()))
