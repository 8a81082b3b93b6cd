# 代码清单 01（chapter_2_3_2_01.py）：本节用到的库
import torch
import torch.nn as nn
from torch.utils.data import Dataset

import matplotlib.pyplot as plt

# 本书的辅助模块（codes/gankit）：设备、随机数种子、数据文件、画图、检查点
import gankit

if __name__ == "__main__":
    run = gankit.start("代码清单 01：打印 PyTorch 的版本与所用的设备。")
    print("PyTorch", torch.__version__, "| 设备：", run.device)
