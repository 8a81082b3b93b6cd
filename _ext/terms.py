"""The book's terms: one word per idea, in the chapter, its appendix and the notebooks' text.

``TERMS`` maps each preferred term to the variants a reader must not meet instead of it;
a variant is a regular expression searched in the prose of a page (``reader_text.prose``:
code, tables, captions and math are not prose). ``tests/test_chapter_text.py`` scans
every page with it, and ``FORBIDDEN_IN_READER_TEXT`` (things of the machine or of the
project's tooling that a reader never sees). The figures' words follow the same list.
"""

TERMS = {
    # the network that tells real from generated
    "判别器": [r"鉴别器", r"辨别器"],
    # one pass over the training set
    "轮次": [r"(?<!（)\bepochs?\b(?!）)", r"\d\s*轮(?!次)", r"第\s*\d+\s*轮(?!次)"],
    # the generator's random input (listings: generate_noise, noise_size, generate_normal_noise)
    "噪声": [r"噪音", r"随机种子", r"输入种子", r"\bgenerate_seed\b", r"\bseed_size\b",
             r"\bgenerate_random_seed\b", r"沿用了原书的叫法"],
    # the argument of torch.manual_seed (short form: 种子)
    "随机数种子": [r"随机种子", r"(?<!（)\brandom(-number)? seeds?\b"],
    # an exponential moving average of the generator's weights (listing 11's G.average)
    "指数滑动平均": [r"(?<!指数)滑动平均", r"\bEMA\b"],
    # the smoothing of a loss curve over consecutive records
    "移动平均": [r"平滑平均"],
    # the anchor made of real images plus Gaussian noise
    "加噪真实图像": [r"加噪锚点", r"加噪声的锚点", r"真实图像\s*\+\s*高斯噪声", r"加了高斯噪声", r"加噪的真实图像",
                "加噪图像"],
    # a listing, with its two-digit number: 代码清单 08
    "代码清单 NN": [r"(?<!代码)清单\s*\d", r"代码清单\s*\d(?!\d)", r"代码清单\s*chapter_",
                 r"代码清单\s*`chapter_"],
    # the three steps of training a GAN
    "第1步": [r"第\s+[1-3]\s*步", r"第[1-3]\s+步", r"\bstep [1-3]\b"],
    # the scorecard's measures, named in Chinese (the English in brackets once)
    "精确率": [r"(?<![（、])\bprecision\b"],
    "召回率": [r"(?<![（、])\brecall\b"],
    "覆盖率": [r"(?<![（、])\bcoverage\b"],
    # a generator that draws one or a few digits
    "模式崩溃": [r"模式坍塌", r"模式坍缩", r"模态崩溃"],
}

# never in a text a reader sees: paths of the machine, the project's issues, the tools that wrote it
FORBIDDEN_IN_READER_TEXT = [r"/work/", r"shared/data", r"/tmp/", r"/root/", r"\bissue\b", r"#\d{2,}\b",
                            r"\bTODO\b", r"\bFIXME\b", r"\bpytest\b", r"\bClaude\b", r"\bduplicates\b"]
