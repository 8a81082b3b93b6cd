/* gan_widgets.js：在网页中运行本节训练好的生成器。
 * 不需要 Python，不需要 Jupyter 内核，也不联网。
 *
 * tools/export_generators.py（make widgets）把训练得到的检查点导出到 weights/：
 *   manifest.json  每个网络有哪些层、各层的权重在文件中的位置、
 *                  权重来自哪次训练；
 *   *.bin          权重，float16（每个数 2 字节，小端序），按层的顺序首尾相接。
 * 本文件用普通的 JavaScript 重写了这些网络的前向计算（全连接层、LayerNorm、
 * LeakyReLU、Sigmoid，以及数字分类器用到的卷积、ReLU 和最大池化），
 * 再用本书插图的 "Blues" 色图把 784 个像素画到 canvas 上。
 * 页面中的 <div class="gan-widget" data-widget="..."> 会换成可以操作的演示：
 *   data-widget="first-gan"     第一个 GAN：拖动它唯一的输入，或换一个训练轮次
 *   data-widget="samplers"      data-models 列出的生成器并排：
 *                               换一批、插值、数一数（data-shares 个样本）
 */
(function () {
  "use strict";

  // 权重放在本文件旁边的 weights/ 里；页面在哪一层目录都一样。
  // 训练演示的后台线程（gan_train_worker.js）也载入本文件：那里没有页面。
  const IN_PAGE = typeof document !== "undefined";
  const SCRIPT_URL = !IN_PAGE ? self.location.href
    : document.currentScript ? document.currentScript.src : document.baseURI;
  const WEIGHTS_URL = new URL("weights/", SCRIPT_URL);
  const IMAGE_SIZE = 28; // MNIST 图像是 28×28 像素
  const FIRST_SEED = 0; // 演示的随机数种子：每次打开页面，第一批样本都一样

  // ---------------------------------------------------------------- float16
  /** 把一个 float16（以 16 位无符号整数给出）换算成数值。 */
  function halfToNumber(h) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) return sign * fraction * 2 ** -24; // 非规格化数与 0
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }

  /** .bin 文件的内容 → Float32Array（float16 在 float32 中都能精确表示）。 */
  function decodeFloat16(buffer) {
    const view = new DataView(buffer);
    const values = new Float32Array(buffer.byteLength / 2);
    for (let i = 0; i < values.length; i++) {
      values[i] = halfToNumber(view.getUint16(2 * i, true));
    }
    return values;
  }

  // ---------------------------------------------------------------- 网络的各层
  // 向量用 Float64Array（JavaScript 的数值本来就是 64 位浮点数）。

  /** 点积 w[wFrom..wFrom+n) · x[xFrom..xFrom+n)。四个累加器轮流相加：
   *  CPU 不必等上一次加法算完就能开始下一次，比一个累加器快几倍。 */
  function dot(w, wFrom, x, xFrom, n) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += w[wFrom + i] * x[xFrom + i];
      s1 += w[wFrom + i + 1] * x[xFrom + i + 1];
      s2 += w[wFrom + i + 2] * x[xFrom + i + 2];
      s3 += w[wFrom + i + 3] * x[xFrom + i + 3];
    }
    for (; i < n; i++) s0 += w[wFrom + i] * x[xFrom + i];
    return s0 + s1 + s2 + s3;
  }

  /** 全连接层 y = Wx + b。W 按 PyTorch 的顺序存放：out 行，每行 in 个数。 */
  function linear(x, W, b, nIn, nOut) {
    const y = new Float64Array(nOut);
    for (let o = 0; o < nOut; o++) y[o] = b[o] + dot(W, o * nIn, x, 0, nIn);
    return y;
  }

  /** LayerNorm：减去均值，除以标准差（方差除以 n，与 PyTorch 相同），
   *  再乘 gamma、加 beta。 */
  function layerNorm(x, gamma, beta, eps) {
    const n = x.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[i] - mean) ** 2;
    variance /= n;
    const scale = 1 / Math.sqrt(variance + eps);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = (x[i] - mean) * scale * gamma[i] + beta[i];
    }
    return y;
  }

  /** 逐个元素计算 f(v)，得到同样长的新向量。 */
  function elementwise(x, f) {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = f(x[i]);
    return y;
  }

  const leakyRelu = (x, slope) =>
    elementwise(x, (v) => (v > 0 ? v : v * slope));
  const relu = (x) => elementwise(x, (v) => (v > 0 ? v : 0));
  const sigmoid = (x) => elementwise(x, (v) => 1 / (1 + Math.exp(-v)));

  /** 卷积（步长 1，无填充）。x 的形状是 [C, H, W]，按行存放。 */
  function conv2d(x, [C, H, W], weight, bias, nOut, k) {
    const outH = H - k + 1;
    const outW = W - k + 1;
    if (outW < 4) throw new Error("conv2d：每行至少要有 4 个输出位置");
    const n = C * k * k; // 一个卷积核的权重个数，PyTorch 的顺序：通道、行、列
    const plane = outH * outW; // 一个输出通道有几个位置
    const y = new Float64Array(nOut * plane);
    // 每个输出是偏置加上卷积核与它覆盖的 C×k×k 个输入的点积。一次算两个
    // 卷积核在同一行上 4 个相邻位置的 8 个输出：每读一个权重用四次，每读
    // 一个输入用两次，8 个累加器轮流相加，CPU 不必等上一次加法算完。
    // 卷积核的个数是奇数时，最后一个算两遍；一行的位置数不是 4 的倍数时，
    // 最后一组与前一组重叠。重算的值与第一次相同。
    for (let o = 0; o < nOut; o += 2) {
      const o2 = Math.min(o + 1, nOut - 1); // 第二个卷积核
      for (let row = 0; row < outH; row++) {
        for (let left = 0; left < outW; left += 4) {
          const col = Math.min(left, outW - 4); // 4 个位置中最左边的一个
          let a0 = bias[o], a1 = a0, a2 = a0, a3 = a0;
          let b0 = bias[o2], b1 = b0, b2 = b0, b3 = b0;
          let wa = o * n, wb = o2 * n; // 两个卷积核的下一个权重
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < k; ky++) {
              const from = (c * H + row + ky) * W + col; // 这一行输入的开头
              for (let i = from; i < from + k; i++) {
                const u = weight[wa++], v = weight[wb++];
                const x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
                a0 += u * x0; a1 += u * x1; a2 += u * x2; a3 += u * x3;
                b0 += v * x0; b1 += v * x1; b2 += v * x2; b3 += v * x3;
              }
            }
          }
          const ya = (o * outH + row) * outW + col, yb = ya + (o2 - o) * plane;
          y[ya] = a0; y[ya + 1] = a1; y[ya + 2] = a2; y[ya + 3] = a3;
          y[yb] = b0; y[yb + 1] = b1; y[yb + 2] = b2; y[yb + 3] = b3;
        }
      }
    }
    return [y, [nOut, outH, outW]];
  }

  /** 最大池化：每个 size×size 的方块取最大值。 */
  function maxPool2d(x, [C, H, W], size) {
    const outH = Math.floor(H / size);
    const outW = Math.floor(W / size);
    const y = new Float64Array(C * outH * outW);
    for (let c = 0; c < C; c++) {
      for (let row = 0; row < outH; row++) {
        for (let col = 0; col < outW; col++) {
          let max = -Infinity;
          for (let dy = 0; dy < size; dy++) {
            const from = (c * H + row * size + dy) * W + col * size;
            for (let dx = 0; dx < size; dx++) max = Math.max(max, x[from + dx]);
          }
          y[(c * outH + row) * outW + col] = max;
        }
      }
    }
    return [y, [C, outH, outW]];
  }

  /** 按 manifest 列出的层依次计算，正如 nn.Sequential 所做的那样：
   *  输入一个向量（或一幅图像），返回输出向量。 */
  function forward(net, input) {
    let x = Float64Array.from(input);
    let shape = net.input || [x.length];
    const p = (t) => net.values.subarray(t.offset, t.offset + t.size);
    for (const layer of net.layers) {
      const { weight, bias } = layer;
      switch (layer.type) {
        case "linear":
          x = linear(x, p(weight), p(bias), layer.in, layer.out);
          shape = [layer.out];
          break;
        case "layernorm":
          x = layerNorm(x, p(weight), p(bias), layer.eps);
          break;
        case "leaky_relu":
          x = leakyRelu(x, layer.slope);
          break;
        case "relu":
          x = relu(x);
          break;
        case "sigmoid":
          x = sigmoid(x);
          break;
        case "conv2d":
          [x, shape] = conv2d(x, shape, p(weight), p(bias),
            layer.out, layer.kernel);
          break;
        case "maxpool2d":
          [x, shape] = maxPool2d(x, shape, layer.size);
          break;
        case "flatten":
          shape = [x.length];
          break;
        default:
          throw new Error(`gan_widgets.js 不认识这种层：${layer.type}`);
      }
    }
    return x;
  }

  /** 分类器的 10 个输出中最大的那个，就是它认为的数字。 */
  function classify(net, image) {
    const logits = forward(net, image);
    let best = 0;
    for (let d = 1; d < logits.length; d++) {
      if (logits[d] > logits[best]) best = d;
    }
    return best;
  }

  // ---------------------------------------------------------------- 随机数
  /** 可以设定随机数种子的随机数生成器：mulberry32 给出 0~1 之间的均匀分布，
   *  Box–Muller 变换把两个均匀分布的数变成两个标准正态分布的数。 */
  function makeRandom(seed) {
    let state = seed >>> 0;
    let spare = null;
    function uniform() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    function normal() {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      const u = 1 - uniform(); // (0, 1]，避免 log(0)
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    }
    /** 生成器的一个输入：与训练时同分布（torch.rand 或 torch.randn）。 */
    function noise(kind, size) {
      const draw = kind === "uniform" ? uniform : normal;
      return Float64Array.from({ length: size }, draw);
    }
    return { uniform, normal, noise };
  }

  /** 球面插值：从 a（t=0）到 b（t=1）。100 个正态分布的噪声值组成的向量，
   *  长度几乎都在 √100=10 附近，直线插值的中点却短得多；
   *  沿球面走，每一步都像生成器训练时见过的噪声。 */
  function slerp(a, b, t) {
    let ab = 0, aa = 0, bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    const cos = Math.min(1, Math.max(-1, ab / Math.sqrt(aa * bb)));
    const omega = Math.acos(cos);
    if (omega < 1e-6) return a.map((v, i) => (1 - t) * v + t * b[i]);
    const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
    const wb = Math.sin(t * omega) / Math.sin(omega);
    return a.map((v, i) => wa * v + wb * b[i]);
  }

  // ---------------------------------------------------------------- 读取权重
  let manifestPromise = null;
  const netPromises = new Map();

  function manifest() {
    if (!manifestPromise) {
      const url = new URL("manifest.json", WEIGHTS_URL);
      manifestPromise = fetch(url).then((r) => {
        if (!r.ok) throw new Error(`manifest.json：HTTP ${r.status}`);
        return r.json();
      });
    }
    return manifestPromise;
  }

  /** 下载一个 .bin 文件，核对 manifest 记下的 SHA-256，
   *  返回网络：{values, layers, ...extra}。文件与清单不符
   *  （导出中断、文件损坏）时报错，不用错的权重画出乱码。
   *  crypto.subtle 只在安全的网页上有（https、127.0.0.1）。 */
  async function loadFile(entry, extra) {
    const r = await fetch(new URL(entry.file, WEIGHTS_URL));
    if (!r.ok) throw new Error(`${entry.file}：HTTP ${r.status}`);
    const buffer = await r.arrayBuffer();
    if (entry.sha256 && self.crypto && self.crypto.subtle) {
      const sum = await crypto.subtle.digest("SHA-256", buffer);
      const hex = Array.from(new Uint8Array(sum),
        (b) => b.toString(16).padStart(2, "0")).join("");
      if (hex !== entry.sha256) {
        throw new Error(`权重文件 ${entry.file} 与 manifest.json ` +
          "记录的不一致（SHA-256 校验失败：文件不完整或来自另一次" +
          "导出）。请重新导出权重：make widgets。");
      }
    }
    return { values: decodeFloat16(buffer), ...extra };
  }

  /** 一个生成器在某个轮次的网络（第一次用到时才下载，之后留在内存里）。 */
  function loadModel(key, epoch) {
    return manifest().then((m) => {
      const model = m.models[key];
      if (!model) throw new Error(`manifest.json 中没有 ${key}`);
      const e = String(epoch || model.default_epoch);
      const id = `${key}@${e}`;
      if (!netPromises.has(id)) {
        const entry = model.epochs[e];
        if (!entry) throw new Error(`${key} 没有第 ${e} 个轮次的权重`);
        const extra = { layers: model.layers, model, epoch: Number(e) };
        netPromises.set(id, loadFile(entry, extra));
      }
      return netPromises.get(id);
    });
  }

  /** 评分卡的数字分类器（按“数一数”时才下载）；没有导出时为 null。 */
  function loadClassifier() {
    return manifest().then((m) => {
      const entry = m.classifier;
      if (!entry) return null;
      if (!netPromises.has("classifier")) {
        const extra = { layers: entry.layers, input: entry.input };
        netPromises.set("classifier", loadFile(entry, extra));
      }
      return netPromises.get("classifier");
    });
  }

  // ---------------------------------------------------------------- 画图
  /** 色图：manifest 中的 256 种颜色（十六进制 RGB）。像素值 v（0~1）用
   *  第 floor(v×256) 种颜色，与 matplotlib 的
   *  imshow(..., cmap="Blues", vmin=0, vmax=1) 相同。 */
  function hexColors(hex) {
    const rgb = new Uint8Array(hex.length / 2);
    for (let i = 0; i < rgb.length; i++) {
      rgb[i] = parseInt(hex.substr(2 * i, 2), 16);
    }
    return rgb;
  }

  /** 在 ImageData 的 (left, top) 处画一幅 28×28 的图像，
   *  每个像素放大成 scale×scale 个。 */
  function paintDigit(imageData, pixels, left, top, scale, colors) {
    const width = imageData.width;
    for (let row = 0; row < IMAGE_SIZE * scale; row++) {
      for (let col = 0; col < IMAGE_SIZE * scale; col++) {
        const i =
          Math.floor(row / scale) * IMAGE_SIZE + Math.floor(col / scale);
        const c = 3 * Math.min(255, Math.max(0, Math.floor(pixels[i] * 256)));
        const at = 4 * ((top + row) * width + left + col);
        imageData.data[at] = colors[c];
        imageData.data[at + 1] = colors[c + 1];
        imageData.data[at + 2] = colors[c + 2];
        imageData.data[at + 3] = 255;
      }
    }
  }

  /** 把若干幅图像排成每行 cols 幅的网格画到 canvas 上，
   *  图像之间留 gap 个像素的白边。 */
  function drawGrid(canvas, images, cols, scale, colors, gap = 2) {
    const rows = Math.ceil(images.length / cols);
    const cell = IMAGE_SIZE * scale + gap;
    canvas.width = cols * cell - gap;
    canvas.height = rows * cell - gap;
    const ctx = canvas.getContext("2d");
    const imageData = ctx.createImageData(canvas.width, canvas.height);
    imageData.data.fill(255);
    images.forEach((pixels, i) => {
      const left = (i % cols) * cell;
      const top = Math.floor(i / cols) * cell;
      paintDigit(imageData, pixels, left, top, scale, colors);
    });
    ctx.putImageData(imageData, 0, 0);
  }

  /** 柱状图：10 个数字各占的比例，红色虚线是均匀分布的 10%。 */
  function drawShares(canvas, shares, title) {
    const width = (canvas.width = 280);
    const height = (canvas.height = 170);
    const ctx = canvas.getContext("2d");
    const left = 34, right = width - 6, bottom = height - 22, top = 20;
    const highest = Math.max(0.3, ...shares);
    const y = (s) => bottom - (s / highest) * (bottom - top);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#333";
    ctx.fillText(title, left, 12);
    ctx.textAlign = "right";
    for (let s = 0; s <= highest + 1e-9; s += 0.1) {
      ctx.fillText(`${Math.round(s * 100)}%`, left - 4, y(s) + 4);
      ctx.fillStyle = "#ddd";
      ctx.fillRect(left, y(s), right - left, 1);
      ctx.fillStyle = "#333";
    }
    ctx.textAlign = "center";
    const step = (right - left) / 10;
    shares.forEach((s, d) => {
      ctx.fillStyle = "#1f77b4"; // matplotlib 的 tab:blue，与书中的柱状图相同
      ctx.fillRect(left + d * step + 3, y(s), step - 6, bottom - y(s));
      ctx.fillStyle = "#333";
      ctx.fillText(String(d), left + d * step + step / 2, bottom + 14);
    });
    ctx.strokeStyle = "#d62728"; // tab:red
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(left, y(0.1));
    ctx.lineTo(right, y(0.1));
    ctx.stroke();
  }

  // ---------------------------------------------------------------- 页面元素
  let uid = 0;
  /** 新建元素：el("button", {class: "x"}, "文字", 子元素...) */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  /** 带标签的滑块：方向键、Home、End、PageUp、PageDown 都能拖动它。 */
  function slider(label, min, max, step, value, format) {
    const id = `gan-widget-${++uid}`;
    const input = el("input", { type: "range", id, min, max, step, value });
    const shown = el("output", { for: id }, format(Number(value)));
    input.addEventListener("input", () => {
      shown.textContent = format(Number(input.value));
    });
    const row = el("div", { class: "gan-widget-control" },
      el("label", { for: id }, label), input, shown);
    return { row, input, shown };
  }

  /** “改良 GAN（代码清单 09，MNIST，60,000 张训练图像，随机数种子 0，
   *  第 10 个轮次）” */
  function runCaption(model, epoch) {
    const listing = model.listing.match(/_(\d+)\.py$/)[1];
    return `${model.title}（代码清单 ${listing}，${model.data}，` +
      `随机数种子 ${model.seed}，第 ${epoch} 个轮次）`;
  }

  function showError(root, err) {
    // 直接打开本地的 HTML 文件（file://）时，浏览器不让网页读取旁边的权重文件
    const why = location.protocol === "file:"
      ? "浏览器不允许从本地文件（file://）读取权重。请在终端运行 " +
        "python3 -m http.server --directory _build/html，" +
        "再打开 http://127.0.0.1:8000/ 阅读本书。"
      : err.message;
    const text = `演示无法运行：${why}`;
    root.replaceChildren(el("p", { class: "gan-widget-error" }, text));
    console.warn("gan_widgets.js:", err);
  }

  /** 两幅图像之间最大的像素差。 */
  function maxDifference(a, b) {
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return d;
  }

  // -------------------------------------------------- 演示一：第一个 GAN
  /** 第一个 GAN 只有 1 个输入（0~1 之间的随机数）。拖动输入，图像几乎不变：
   *  模式崩溃；换一个训练轮次，画出的数字却可能换成另一个。 */
  async function firstGan(root) {
    const m = await manifest();
    const model = m.models.gan;
    const colors = hexColors(m.colormap.rgb);
    const epochs = Object.keys(model.epochs).map(Number).sort((a, b) => a - b);
    const STRIP = 11; // 输入 0, 0.1, ..., 1 的 11 个输出

    const input = slider("生成器的输入", 0, 1, 0.01, 0.5, (v) => v.toFixed(2));
    const epoch = slider("训练轮次", epochs[0], epochs[epochs.length - 1], 1,
      model.default_epoch, (v) => `第 ${v} 个`);
    const big = el("canvas", { role: "img", class: "gan-widget-big" });
    const strip = el("canvas", { role: "img", class: "gan-widget-strip" });
    const readout = el("p",
      { class: "gan-widget-readout", "aria-live": "polite" });
    const caption = el("p", { class: "gan-widget-caption" });
    const label = el("p", { class: "gan-widget-label" },
      "输入从 0 到 1 的 11 个输出：");
    root.replaceChildren(
      el("p", { class: "gan-widget-title" }, "动手试一试：第一个 GAN"),
      input.row, epoch.row,
      el("div", { class: "gan-widget-row" },
        big, el("div", {}, label, strip, readout)),
      caption);

    let token = 0;
    async function update() {
      const mine = ++token;
      const e = Number(epoch.input.value);
      const net = await loadModel("gan", e);
      if (mine !== token) return; // 等下载时滑块又动过了
      const x = Number(input.input.value);
      const image = forward(net, [x]);
      const row = Array.from({ length: STRIP },
        (_, i) => forward(net, [i / (STRIP - 1)]));
      drawGrid(big, [image], 1, 8, colors);
      drawGrid(strip, row, STRIP, 2, colors);
      let spread = 0;
      for (const other of row) {
        spread = Math.max(spread, maxDifference(row[0], other));
      }
      const change = maxDifference(image, row[0]);
      big.setAttribute("aria-label",
        `输入 ${x.toFixed(2)} 时生成器的输出，第 ${e} 个轮次`);
      strip.setAttribute("aria-label",
        `第 ${e} 个轮次，输入 0 到 1 的 11 幅输出`);
      readout.textContent =
        `与输入为 0 时的输出相比，像素值最多相差 ${change.toFixed(3)}；` +
        `这 11 幅图像之间最多相差 ${spread.toFixed(3)}（像素值在 0～1 之间）。`;
      caption.textContent = `权重来自${runCaption(model, e)}。`;
      root.dataset.state = `${e}:${x}`;
      root.lastOutput = image;
    }
    input.input.addEventListener("input", update);
    epoch.input.addEventListener("input", update);
    await update();
  }

  // -------------------------------------------------- 演示二、三：100 个噪声值
  /** 一个或几个生成器并排，输入相同的噪声：换一批样本、
   *  在两个噪声之间插值、数一数各数字的比例。 */
  async function samplers(root) {
    const m = await manifest();
    const keys = (root.dataset.models || "improved-gan").split(/\s+/);
    const models = keys.map((k) => m.models[k]);
    const colors = hexColors(m.colormap.rgb);
    const cols = Number(root.dataset.cols || (keys.length > 1 ? 4 : 8));
    const count = cols * Number(root.dataset.rows || 4);
    const shares = m.classifier ? Number(root.dataset.shares || 0) : 0;
    const size = models[0].noise.size;
    const pathScale = keys.length > 1 ? 2 : 3; // 插值的三幅图像：并排时小一些
    const random = makeRandom(FIRST_SEED);
    let batch = [], ends = [], batchNumber = 0;

    const again = el("button", { type: "button" }, "换一批");
    const newEnds = el("button", { type: "button" }, "换两端");
    const t = slider("插值：从噪声 A 到噪声 B", 0, 1, 0.05, 0.5,
      (v) => `t = ${v.toFixed(2)}`);
    const status = el("p",
      { class: "gan-widget-readout", "aria-live": "polite" });
    const columns = models.map((model) => {
      const canvas = (kind) => el("canvas", { role: "img", class: kind });
      const grid = canvas("gan-widget-grid");
      const path = canvas("gan-widget-strip");
      const chart = canvas("gan-widget-chart");
      chart.hidden = true;
      const text = (words) => el("p", { class: "gan-widget-label" }, words);
      const column = el("div", { class: "gan-widget-column" },
        text(runCaption(model, model.default_epoch)), grid,
        text("噪声 A → 插值 → 噪声 B："), path, chart);
      return { model, grid, path, chart, column };
    });
    const buttons = el("div", { class: "gan-widget-control" }, again, newEnds);
    const countButton = el("button", { type: "button" },
      `数一数：${shares} 个新样本中各数字的比例`);
    if (shares) buttons.append(countButton);
    const title = keys.length > 1
      ? "动手试一试：同样的噪声，两个生成器"
      : `动手试一试：${models[0].title}`;
    root.replaceChildren(
      el("p", { class: "gan-widget-title" }, title), buttons, t.row,
      el("div", { class: "gan-widget-row" }, ...columns.map((c) => c.column)),
      status);

    const nets = await Promise.all(keys.map((k) => loadModel(k)));

    function drawBatch() {
      columns.forEach((c, i) => {
        const images = batch.map((z) => forward(nets[i], z));
        drawGrid(c.grid, images, cols, 2, colors);
        c.grid.setAttribute("aria-label",
          `${c.model.title}：第 ${batchNumber} 批的 ${count} 个样本`);
      });
    }
    function drawPath() {
      const tv = Number(t.input.value);
      const z = slerp(ends[0], ends[1], tv);
      columns.forEach((c, i) => {
        const images = [ends[0], z, ends[1]].map((v) => forward(nets[i], v));
        drawGrid(c.path, images, 3, pathScale, colors, 8);
        c.path.setAttribute("aria-label",
          `${c.model.title}：噪声 A、插值 t=${tv.toFixed(2)}、噪声 B 的输出`);
      });
      root.dataset.state = `${batchNumber}:${tv}`;
    }
    function newBatch() {
      batch = Array.from({ length: count }, () => random.noise("normal", size));
      batchNumber += 1;
      drawBatch();
      status.textContent = `第 ${batchNumber} 批：${count} 个新的噪声` +
        `（正态分布，每个 ${size} 个值）。`;
    }
    function pickEnds() {
      ends = [random.noise("normal", size), random.noise("normal", size)];
      drawPath();
    }

    /** 用数字分类器数一数：每个生成器各画 n 个新样本；
     *  分批计算，页面不会卡住。 */
    async function countDigits(n) {
      countButton.disabled = true;
      const start = performance.now();
      const classifier = await loadClassifier();
      const noises = Array.from({ length: n },
        () => random.noise("normal", size));
      const tallies = columns.map(() => new Array(10).fill(0));
      const CHUNK = 20; // 每算 20 个样本，让浏览器处理一次页面上的事
      for (let from = 0; from < n; from += CHUNK) {
        for (const z of noises.slice(from, from + CHUNK)) {
          nets.forEach((net, i) => {
            tallies[i][classify(classifier, forward(net, z))] += 1;
          });
        }
        status.textContent =
          `正在用数字分类器判断……${Math.min(n, from + CHUNK)} / ${n}`;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const seconds = (performance.now() - start) / 1000;
      const parts = columns.map((c, i) => {
        const s = tallies[i].map((k) => k / n);
        c.chart.hidden = false;
        drawShares(c.chart, s, `${c.model.title}：${n} 个新样本`);
        const text = s.map((v, d) => `${d}：${Math.round(v * 100)}%`);
        c.chart.setAttribute("aria-label",
          `${c.model.title}，各数字的比例：${text.join("，")}`);
        const least = Math.round(Math.min(...s) * 1000) / 10;
        return `${c.model.title}：最少的数字占 ${least}%`;
      });
      status.textContent =
        `数字分类器判断了 ${n * columns.length} 个新样本，` +
        `用时 ${seconds.toFixed(1)} 秒；${parts.join("，")}` +
        "（红色虚线是均匀分布的 10%）。";
      root.dataset.counted = String(n);
      countButton.disabled = false;
    }

    again.addEventListener("click", newBatch);
    newEnds.addEventListener("click", pickEnds);
    t.input.addEventListener("input", drawPath);
    countButton.addEventListener("click", () => countDigits(shares));
    newBatch();
    pickEnds();
  }

  // -------------------------------------------------- 演示四：训练 GAN
  /** 训练演示的代码（gan_train.js）在它进入视野附近时才下载；
   *  训练用的后台线程、WebAssembly 和 MNIST 图像在按“开始”时才下载。 */
  function train(root) {
    return new Promise((resolve, reject) => {
      const script = el("script", { src: new URL("gan_train.js", SCRIPT_URL) });
      script.onload = resolve;
      script.onerror = () => reject(new Error("gan_train.js 无法下载"));
      document.head.append(script);
    }).then(() => self.GanTrainWidget(root));
  }

  // ---------------------------------------------------------------- 启动
  const WIDGETS = { "first-gan": firstGan, samplers, train };

  function run(root) {
    if (root.dataset.started) return;
    root.dataset.started = "1";
    const widget = WIDGETS[root.dataset.widget];
    if (!widget) {
      showError(root, new Error(`没有这种演示：${root.dataset.widget}`));
      return;
    }
    widget(root).then(
      () => { root.dataset.ready = "1"; },
      (err) => showError(root, err));
  }

  /** 演示进入视野附近时才下载权重：读者不看，就不下载。 */
  function start() {
    const roots = document.querySelectorAll("div.gan-widget[data-widget]");
    if (!("IntersectionObserver" in window)) {
      roots.forEach(run);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          run(entry.target);
        }
      }
    }, { rootMargin: "600px 0px" });
    roots.forEach((root) => observer.observe(root));
  }

  // 测试（tests/test_widgets.py）在真实的浏览器中调用这些函数，与 PyTorch
  // 比较；训练演示（gan_train.js 与它的后台线程）也用它们
  self.GanWidgets = {
    halfToNumber, decodeFloat16, forward, classify, makeRandom, slerp,
    manifest, loadModel, loadClassifier, start,
    el, slider, hexColors, drawGrid, drawShares, showError, SCRIPT_URL,
  };
  if (!IN_PAGE) return;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
