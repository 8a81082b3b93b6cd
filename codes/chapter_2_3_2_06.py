# 代码清单 06（chapter_2_3_2_06.py）：MNIST 生成器
from chapter_2_3_2_01 import *


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        # 1 个输入（噪声）→ 200 个隐藏节点 → 784 个像素
        self.model = nn.Sequential(
            nn.Linear(1, 200),
            nn.Sigmoid(),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        # 生成器没有自己的损失函数：它的损失由判别器计算
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)
        self.counter = 0
        self.progress = []

    def forward(self, inputs):
        return self.model(inputs)

    def train(self, D, inputs, targets):
        g_output = self.forward(inputs)  # 生成图像
        d_output = D.forward(g_output)  # 交给判别器打分
        loss = D.loss_function(d_output, targets)  # 希望判别器判为“真”
        self.counter += 1
        if self.counter % 10 == 0:
            self.progress.append(loss.item())
        # 梯度从判别器的损失一路传回生成器，但只更新生成器的权重
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()

    def plot_progress(self, reference=gankit.MSE_EQUILIBRIUM, ax=None):
        gankit.plot_loss(self.progress, reference,
                         f"平衡值 {reference:.3f}", "生成器", ax)


if __name__ == "__main__":
    run = gankit.start("代码清单 06：构建生成器并打印它。")
    G = Generator()
    print(G.model)
    print("参数个数：", sum(p.numel() for p in G.parameters()))
