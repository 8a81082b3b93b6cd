"""bench/profile_conv_step.py times listing 11's own step, and its rows remove what they name."""
import os
from pathlib import Path

import torch
from torch.nn.utils import parametrize

import chapter_2_3_2_10 as L10
from chapter_2_3_2_02 import MnistDataset
from gankit.console import display_width, pad
from script_module import load_script

ROOT = Path(__file__).resolve().parents[1]
BATCH = 32  # one mini-batch of listing 11


def profile():
    os.environ.setdefault("TQDM_DISABLE", "")  # the script disables progress bars for itself only
    return load_script(ROOT / "bench" / "profile_conv_step.py", "profile_conv_step")


def _weights(*models):
    return torch.cat([p.detach().flatten() for m in models for p in m.state_dict().values()
                      if p.is_floating_point()])


def test_the_profiled_step_is_the_listings_step():
    bench = profile()
    dataset = MnistDataset("builtin", BATCH)  # one epoch of listing 10's loop = one mini-batch
    D, G = bench.make_models()
    torch.manual_seed(1)
    L10.train_gan_batches(D, G, dataset, BATCH)
    D2, G2 = bench.make_models()
    torch.manual_seed(1)
    bench.one_step(D2, G2, dataset.images, torch.randperm(len(dataset)))
    assert torch.equal(_weights(D.model, G.model, G.average), _weights(D2.model, G2.model, G2.average))


def test_each_row_removes_what_it_names():
    bench = profile()
    rows = {name: make for name, make, _ in bench.variants(BATCH)}
    D, G, _ = rows["清单 11（基线）"]()
    assert any(parametrize.is_parametrized(m) for m in D.model)
    D, _, _ = rows["去掉谱归一化"]()
    assert not any(parametrize.is_parametrized(m) for m in D.model)
    D, G, _ = rows["加上批归一化等三样"]()
    assert sum(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in G.model) == 2
    assert not isinstance(D.model[-1], torch.nn.Sigmoid)
    _, G, _ = rows["生成器的通道加倍"]()
    assert G.model[0].out_features == 2 * 64 * 7 * 7  # the experiment's wide generator
    D, G, kwargs = rows["去掉权重的指数滑动平均"]()
    images = MnistDataset("builtin", BATCH).images
    before = _weights(G.average)
    bench.one_step(D, G, images, torch.arange(BATCH), **kwargs)
    assert torch.equal(before, _weights(G.average))  # the moving average left alone


def test_display_width_counts_cjk_twice():
    assert display_width("abc") == 3 and display_width("判别器") == 6 and display_width("（0~1）") == 7
    assert pad("判别器", 8) == "判别器  "
