/* gan_train_worker.js：在网页的后台线程（Web Worker）中训练 GAN。
 * 页面上的“训练”演示（gan_train.js）创建它；它不碰页面，只收发消息，
 * 所以训练时页面照样能滚动、能点按钮。
 *
 * 训练的方法与代码清单 08 完全相同：对每张真实图像依次完成 3 个步骤，
 * 每一步只用一个样本。五个开关各换掉清单 08 的一处，全部打开就是清单 09：
 *   bce        BCELoss 代替 MSELoss
 *   adam       Adam（lr=0.0001）代替 SGD（lr=0.01）
 *   layernorm  LayerNorm + LeakyReLU(0.02) 代替隐藏层的 Sigmoid
 *   noise100   生成器输入 100 个噪声值，而不是 1 个
 *   normal     噪声服从正态分布（torch.randn），而不是 0~1 之间的均匀分布
 * 两个 200×784 的大矩阵由 gan_train.wasm（gan_train.wat 汇编而成）计算，
 * 其余按元素的小计算在这里。所有数都是 float32，与 PyTorch 相同。
 */
"use strict";
// makeRandom、forward、classify、loadClassifier 来自 gan_widgets.js
importScripts("gan_widgets.js");
const { makeRandom, forward, classify, loadClassifier } = self.GanWidgets;

const IMAGE = 784; // 28×28 个像素
const HIDDEN = 200; // 隐藏层的节点数
const LANES = 16; // 每行补 0 到 16 的倍数（gan_train.wat 一次读 16 个数）
const MSE_EQUILIBRIUM = 0.25; // 判别器处处输出 0.5 时 MSELoss 的值
const BCE_EQUILIBRIUM = Math.LN2; // ……BCELoss 的值
const f32 = Math.fround; // 把一个数舍入成 float32，与 PyTorch 每一步的结果一样

const padded = (n) => Math.ceil(n / LANES) * LANES;

// ---------------------------------------------------------------- 内存
let wasm = null; // gan_train.wasm 导出的 linear、update 与 memory

/** 在 WebAssembly 的内存中依次划出 float32 数组（补 0 到 16 的倍数）。 */
class Heap {
  constructor(floats) {
    const need = floats * 4 - wasm.memory.buffer.byteLength;
    if (need > 0) wasm.memory.grow(Math.ceil(need / 65536));
    new Uint8Array(wasm.memory.buffer).fill(0); // 补上的 0 必须真是 0
    this.next = 0;
  }
  floats(n) {
    const size = padded(n);
    const array = new Float32Array(wasm.memory.buffer, this.next, size);
    this.next += size * 4;
    return array;
  }
}
const at = (array) => (array ? array.byteOffset : 0); // 数组在内存中的地址

// ---------------------------------------------------------------- 优化器
/** torch.optim.SGD：w ← w - lr × 梯度。 */
class SGD {
  constructor(lr) {
    this.lr = lr;
  }
  zero_grad() {} // 梯度不存下来：每一步都是新算的
  constants() {
    return [0, f32(-this.lr), 0, 0, 0, 0, 0];
  }
}

/** torch.optim.Adam（β1=0.9，β2=0.999，eps=1e-8）。每一步的常数
 *  与 PyTorch 一样先用 64 位浮点数计算，再转成 float32。 */
class Adam {
  constructor(lr, betas = [0.9, 0.999], eps = 1e-8) {
    Object.assign(this, { lr, betas, eps, t: 0 });
  }
  zero_grad() {}
  constants() {
    const [beta1, beta2] = this.betas;
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    return [1, f32(1 - beta1), f32(beta2), f32(1 - beta2),
      f32(Math.sqrt(bc2)), f32(this.eps), f32(-this.lr / bc1)];
  }
}

/** 一个参数（rows 行，每行 n 个数）及 Adam 的两个滑动平均 m、v。 */
class Parameter {
  constructor(heap, rows, n, adam) {
    this.rows = rows;
    this.n = padded(n);
    this.value = heap.floats(rows * this.n);
    this.m = adam ? heap.floats(rows * this.n) : null;
    this.v = adam ? heap.floats(rows * this.n) : null;
  }
  /** 按梯度 g[j] × x[i] 更新第 j 行第 i 个数。同一遍中还可以：
   *  更新之前 back += g[j] × 第 j 行（反向传播），
   *  更新之后 y[j] = 第 j 行 · next（下一次前向计算）。 */
  update(g, x, constants, { back = null, next = null, y = null } = {}) {
    wasm.update(at(this.value), at(this.m), at(this.v), this.rows, this.n,
      at(g), at(x), ...constants, at(back), at(next), at(y));
  }
}

// ---------------------------------------------------------------- 网络
/** nn.Linear 默认的初始化：权重与偏置都服从
 *  (-1/√fan_in, 1/√fan_in) 上的均匀分布（kaiming_uniform_，a=√5）。 */
function initLinear(weight, bias, nIn, uniform) {
  const bound = 1 / Math.sqrt(nIn);
  const init = (p, count) => {
    for (let r = 0; r < p.rows; r++) {
      for (let i = 0; i < count; i++) {
        p.value[r * p.n + i] = (2 * uniform() - 1) * bound;
      }
    }
  };
  init(weight, nIn);
  init(bias, weight.rows);
}

/** 判别器与生成器共同的结构：nn.Sequential(Linear(nIn, 200), 隐藏层,
 *  Linear(200, nOut), Sigmoid())；隐藏层是 Sigmoid()，或者
 *  LayerNorm(200) + LeakyReLU(0.02)。前向计算记下反向传播要用的中间值。 */
class Network {
  constructor(heap, nIn, nOut, settings, uniform) {
    const adam = settings.adam;
    this.nIn = nIn;
    this.nOut = nOut;
    this.layernorm = settings.layernorm;
    this.slope = 0.02; // LeakyReLU 的负斜率
    this.eps = 1e-5; // LayerNorm 的 eps
    // 第一层按行存放（200 行，每行 nIn 个数）；第二层也按行（nOut 行）
    this.W1 = new Parameter(heap, HIDDEN, nIn, adam);
    this.b1 = new Parameter(heap, 1, HIDDEN, adam);
    this.W2 = new Parameter(heap, nOut, HIDDEN, adam);
    this.b2 = new Parameter(heap, 1, nOut, adam);
    this.parameters = [this.W1, this.b1, this.W2, this.b2];
    if (this.layernorm) {
      this.gamma = new Parameter(heap, 1, HIDDEN, adam);
      this.beta = new Parameter(heap, 1, HIDDEN, adam);
      this.gamma.value.fill(1, 0, HIDDEN); // LayerNorm 的初始值：×1，+0
      this.parameters.push(this.gamma, this.beta);
    }
    if (uniform) {
      initLinear(this.W1, this.b1, nIn, uniform);
      initLinear(this.W2, this.b2, HIDDEN, uniform);
    }
    // 中间值与梯度（每个都补 0 到 16 的倍数）
    for (const name of ["z", "xhat", "y", "a", "da", "dy", "dz", "dgamma"]) {
      this[name] = heap.floats(HIDDEN);
    }
    this.u = heap.floats(nOut); // 第二层的输出（Sigmoid 之前）
    this.out = heap.floats(nOut);
    this.du = heap.floats(nOut);
    this.dx = heap.floats(nIn);
    this.one = heap.floats(1);
    this.one[0] = 1; // 向量参数：1 行，梯度 1 × g[i]
    // 判别器第一层的更新留到下一次前向计算，与那次的矩阵乘法在同一遍中完成
    this.defer = nIn === IMAGE;
    this.pending = null;
    this.input = null;
  }

  /** 输入 x（float32 数组，补 0 到 16 的倍数），返回输出 out。 */
  forward(x) {
    const { W1, b1, W2, b2, z, a } = this;
    if (this.pending) { // 上一步的更新与这次的矩阵乘法在同一遍中完成
      const { g, x: before, constants } = this.pending;
      W1.update(g, before, constants, { next: x, y: z });
      this.pending = null;
    } else {
      wasm.linear(at(W1.value), HIDDEN, W1.n, at(x), at(z));
    }
    for (let j = 0; j < HIDDEN; j++) z[j] = f32(z[j] + b1.value[j]);
    if (this.layernorm) this.layerNormLeakyRelu();
    else for (let j = 0; j < HIDDEN; j++) a[j] = f32(1 / (1 + Math.exp(-z[j])));
    if (this.nOut === 1) { // 判别器：200 个数的点积
      let s = 0;
      for (let j = 0; j < HIDDEN; j++) s += W2.value[j] * a[j];
      this.u[0] = f32(s);
    } else {
      wasm.linear(at(W2.value), this.nOut, W2.n, at(a), at(this.u));
    }
    for (let i = 0; i < this.nOut; i++) {
      this.out[i] = f32(1 / (1 + Math.exp(-f32(this.u[i] + b2.value[i]))));
    }
    this.input = x;
    return this.out;
  }

  /** nn.LayerNorm(200)（方差除以 n）再 nn.LeakyReLU(0.02)。 */
  layerNormLeakyRelu() {
    const { z, xhat, y, a } = this;
    let mean = 0, variance = 0;
    for (let j = 0; j < HIDDEN; j++) mean += z[j];
    mean /= HIDDEN;
    for (let j = 0; j < HIDDEN; j++) variance += (z[j] - mean) ** 2;
    variance /= HIDDEN;
    this.rstd = f32(1 / Math.sqrt(variance + this.eps));
    for (let j = 0; j < HIDDEN; j++) {
      xhat[j] = f32((z[j] - mean) * this.rstd);
      y[j] = f32(f32(xhat[j] * this.gamma.value[j]) + this.beta.value[j]);
      a[j] = y[j] > 0 ? y[j] : f32(y[j] * this.slope);
    }
  }

  /** 反向传播（du：损失对第二层输出在 Sigmoid 之前的梯度），
   *  再按 optimiser 更新全部参数（zero_grad、backward、step）。
   *  optimiser 为空时只算梯度，不更新（第 3 步中的判别器）；
   *  toInput 为真时还算出对输入的梯度 dx（生成器要用）。
   *  第一层的梯度是外积 dz[j] × x[i]，不必算出来：update 按行直接使用。 */
  backward(optimiser, toInput = false) {
    const { W2, a, da, dz, du } = this;
    const c = optimiser ? optimiser.constants() : [2, 0, 0, 0, 0, 0, 0];
    if (this.nOut === 1) { // 判别器：da = du × w2（更新之前的 w2）
      for (let j = 0; j < HIDDEN; j++) da[j] = f32(du[0] * W2.value[j]);
      if (optimiser) W2.update(du, a, c);
    } else { // 生成器：da = W2 的转置 × du，同一遍中更新 W2
      da.fill(0);
      W2.update(du, a, c, { back: da });
    }
    if (this.layernorm) {
      const { xhat, y, dy, dgamma } = this;
      let s1 = 0, s2 = 0;
      for (let j = 0; j < HIDDEN; j++) {
        dy[j] = y[j] > 0 ? da[j] : f32(da[j] * this.slope);
        dgamma[j] = f32(dy[j] * xhat[j]);
        const dxhat = f32(dy[j] * this.gamma.value[j]);
        s1 += dxhat;
        s2 += dxhat * xhat[j];
      }
      s1 /= HIDDEN;
      s2 /= HIDDEN;
      for (let j = 0; j < HIDDEN; j++) {
        const dxhat = f32(dy[j] * this.gamma.value[j]);
        dz[j] = f32(this.rstd * (dxhat - s1 - xhat[j] * s2));
      }
    } else {
      for (let j = 0; j < HIDDEN; j++) dz[j] = f32(da[j] * (1 - a[j]) * a[j]);
    }
    if (toInput) { // dx = W1 的转置 × dz，不更新（opt=2）
      this.dx.fill(0);
      this.W1.update(dz, null, [2, 0, 0, 0, 0, 0, 0], { back: this.dx });
    }
    if (!optimiser) return;
    this.b2.update(this.one, du, c);
    this.b1.update(this.one, dz, c);
    if (this.layernorm) {
      this.gamma.update(this.one, this.dgamma, c);
      this.beta.update(this.one, this.dy, c);
    }
    if (this.defer) this.pending = { g: dz, x: this.input, constants: c };
    else this.W1.update(dz, this.input, c);
  }

  /** 把留着的更新做完（读出权重之前）。 */
  flush() {
    if (!this.pending) return;
    const { g, x, constants } = this.pending;
    this.W1.update(g, x, constants);
    this.pending = null;
  }
}

// ---------------------------------------------------------------- 损失函数
/** nn.MSELoss：(o - t)²；返回 [损失, 对 o 的梯度]。 */
function MSELoss(o, t) {
  const diff = f32(o - t);
  return [f32(diff * diff), f32(2 * diff)];
}

/** nn.BCELoss：-(t ln o + (1-t) ln(1-o))，与 PyTorch 一样把 ln 限制在
 *  -100 以上，反向传播时分母至少 1e-12。 */
function BCELoss(o, t) {
  const logO = Math.max(f32(Math.log(o)), -100);
  const log1mO = Math.max(f32(Math.log1p(-o)), -100);
  const loss = f32(f32((t - 1) * log1mO) - f32(t * logO));
  return [loss, f32(f32(o - t) / Math.max(f32(f32(1 - o) * o), 1e-12))];
}

/** 损失对 Sigmoid 之前的值的梯度：dL/do × o(1-o)。 */
const sigmoidBackward = (dLdo, o) => f32(f32(dLdo * f32(1 - o)) * o);

// -------------------------------------------------------- 判别器与生成器
/** 代码清单 03 的 Discriminator（或清单 09 的 ImprovedDiscriminator）。 */
class Discriminator {
  constructor(heap, settings, uniform) {
    this.model = new Network(heap, IMAGE, 1, settings, uniform);
    this.loss_function = settings.bce ? BCELoss : MSELoss;
    this.optimiser = settings.adam ? new Adam(0.0001) : new SGD(0.01);
    this.counter = 0; // 已训练的步数
    this.progress = []; // 每 10 步记录一次损失值
  }

  forward(inputs) {
    return this.model.forward(inputs);
  }

  train(inputs, targets) {
    const outputs = this.forward(inputs);
    const [loss, dLdo] = this.loss_function(outputs[0], targets);
    this.counter += 1;
    if (this.counter % 10 === 0) this.progress.push(loss);
    this.optimiser.zero_grad(); // 清零梯度，反向传播，更新权重
    this.model.du[0] = sigmoidBackward(dLdo, outputs[0]);
    this.model.backward(this.optimiser);
    return loss;
  }
}

/** 代码清单 06 的 Generator（或清单 09 的 ImprovedGenerator）。 */
class Generator {
  constructor(heap, settings, uniform) {
    this.noise_size = settings.noise100 ? 100 : 1;
    this.model = new Network(heap, this.noise_size, IMAGE, settings, uniform);
    this.optimiser = settings.adam ? new Adam(0.0001) : new SGD(0.01);
    this.counter = 0;
    this.progress = [];
  }

  forward(inputs) {
    return this.model.forward(inputs);
  }

  train(D, inputs, targets) {
    const g_output = this.forward(inputs); // 生成图像
    const d_output = D.forward(g_output); // 交给判别器打分
    const [loss, dLdo] = D.loss_function(d_output[0], targets);
    this.counter += 1;
    if (this.counter % 10 === 0) this.progress.push(loss);
    // 梯度从判别器的损失一路传回生成器，但只更新生成器的权重
    this.optimiser.zero_grad();
    D.model.du[0] = sigmoidBackward(dLdo, d_output[0]);
    D.model.backward(null, true);
    const { du, out } = this.model;
    for (let i = 0; i < IMAGE; i++) {
      du[i] = sigmoidBackward(D.model.dx[i], out[i]);
    }
    this.model.backward(this.optimiser);
    return loss;
  }
}

// ---------------------------------------------------------------- 训练
/** 代码清单 08 的 train_gan：对每张真实图像，依次完成训练 GAN 的 3 个步骤。
 *  images(k) 把第 k 张图像写进一个 float32 数组并返回它。 */
function train_gan(D, G, images, count, generate_noise, noise_size) {
  for (let k = 0; k < count; k++) {
    // 第1步：用真实数据训练判别器，目标输出 1.0
    D.train(images(k), 1.0);
    // 第2步：用生成数据训练判别器，目标输出 0.0
    // （生成的图像复制一份：生成器下一次计算会覆盖 G.forward 的输出）
    fake.set(G.forward(generate_noise(noise_size)));
    D.train(fake, 0.0);
    // 第3步：训练生成器，目标是让判别器输出 1.0
    G.train(D, generate_noise(noise_size), 1.0);
  }
}
let fake = null; // 第 2 步的生成图像

/** 代码清单 04 的 generate_random：0~1 之间均匀分布的随机数（torch.rand）。 */
function generate_random(size) {
  for (let i = 0; i < size; i++) noise[i] = random.uniform();
  return noise;
}

/** 代码清单 09 的 generate_normal_noise：标准正态分布的噪声（torch.randn）。 */
function generate_normal_noise(size) {
  for (let i = 0; i < size; i++) noise[i] = random.normal();
  return noise;
}
let noise = null; // 噪声（补 0 到 16 的倍数）
let random = null; // makeRandom(随机数种子)

// ---------------------------------------------------------------- 一次训练
const WASM_URL = new URL("gan_train.wasm", self.location.href);

async function loadWasm() {
  if (wasm) return;
  const response = await fetch(WASM_URL);
  if (!response.ok) throw new Error(`gan_train.wasm：HTTP ${response.status}`);
  const { instance } = await WebAssembly.instantiate(
    await response.arrayBuffer());
  wasm = instance.exports;
}

/** 新建判别器与生成器。weights 为空时按随机数种子初始化（nn.Linear 的默认
 *  方法），否则用给定的权重（测试用它与 PyTorch 比较）。 */
function build(settings, seed, weights) {
  const heap = new Heap(2 ** 21); // 2M 个 float32（8 MB），够两个网络用
  random = makeRandom(seed);
  const uniform = weights ? null : random.uniform;
  const D = new Discriminator(heap, settings, uniform);
  const G = new Generator(heap, settings, uniform);
  if (weights) {
    setWeights(D.model, weights.D);
    setWeights(G.model, weights.G);
  }
  noise = heap.floats(100);
  fake = heap.floats(IMAGE);
  const image = heap.floats(IMAGE);
  return { D, G, heap, image };
}

const NAMES = ["W1", "b1", "W2", "b2", "gamma", "beta"];

/** 权重按 PyTorch 的形状（行优先）读写：W1 是 200×nIn，W2 是 nOut×200。 */
function setWeights(net, values) {
  for (const name of NAMES) {
    if (!net[name]) continue;
    const p = net[name], from = values[name], cols = from.length / p.rows;
    for (let r = 0; r < p.rows; r++) {
      p.value.set(from.subarray(r * cols, (r + 1) * cols), r * p.n);
    }
  }
}

function getWeights(net) {
  net.flush();
  const out = {};
  for (const name of NAMES) {
    if (!net[name]) continue;
    const p = net[name];
    const cols = name === "W1" ? net.nIn : name === "W2" ? HIDDEN
      : name === "b2" ? net.nOut : HIDDEN;
    const values = new Float32Array(p.rows * cols);
    for (let r = 0; r < p.rows; r++) {
      values.set(p.value.subarray(r * p.n, r * p.n + cols), r * cols);
    }
    out[name] = values;
  }
  return out;
}

// 测试（tests/test_train_widget.py）与基准（bench/）直接调用这些
self.GanTrain = {
  Discriminator, Generator, train_gan, generate_random, generate_normal_noise,
  loadWasm, build, setWeights, getWeights, MSE_EQUILIBRIUM, BCE_EQUILIBRIUM,
};

// ---------------------------------------------------------------- MNIST 图像
const SPRITE_URL =
  new URL("mnist/train-images-10000.u8.gz", self.location.href);
let sprite = null; // Uint8Array：10,000 张图像，每张 784 个字节（0~255）

/** 下载并解压训练图像（按“开始”时才下载，之后留在内存里）。 */
async function loadImages() {
  if (sprite) return sprite;
  const response = await fetch(SPRITE_URL);
  if (!response.ok) throw new Error(`MNIST 图像：HTTP ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) { // gzip（服务器没有替我们解压）
    const stream = new Blob([bytes]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  if (bytes.length % IMAGE) throw new Error("MNIST 图像文件不完整");
  sprite = bytes;
  return sprite;
}

/** 第 k 张图像（循环使用），像素除以 255，与 load_mnist 相同。 */
function imageReader(image) {
  const count = sprite.length / IMAGE;
  return (k) => {
    const from = (k % count) * IMAGE;
    for (let i = 0; i < IMAGE; i++) image[i] = sprite[from + i] / 255;
    return image;
  };
}

// -------------------------------------------------------- 页面发来的消息
const CHUNK = 100; // 每训练 100 张图像，向页面报告一次、看一眼有没有新消息
const GRID = 24; // 固定噪声画出的样本数
const SHARES = 200; // 数一数：用分类器判断的样本数
let run = null; // 正在进行的训练

/** 生成器对给定噪声的输出（不影响训练用的随机数）。 */
function samples(G, noises) {
  return noises.map((v) => {
    noise.set(v);
    return Float32Array.from(G.forward(noise));
  });
}

/** 200 个新样本中各数字的比例（评分卡的数字分类器）。 */
async function shares(G, draw, n) {
  const classifier = await loadClassifier();
  const counts = new Array(10).fill(0);
  for (let s = 0; s < n; s++) {
    const [image] = samples(G, [draw()]);
    counts[classify(classifier, image)] += 1;
  }
  return counts.map((c) => c / n);
}

const LIMIT = 600000; // 最多训练的图像数：与本书的 10 个轮次一样多

/** 开始一次训练。limit：训练多少张图像后停下；quiet：不报告每一块的进度
 *  （测试用它检查结果：与页面上同一个随机数种子的训练完全相同）。 */
async function begin({ settings, seed, limit = LIMIT, quiet = false }) {
  await Promise.all([loadWasm(), loadImages()]);
  const models = build(settings, seed, null);
  const look = makeRandom(seed + 1000); // 画样本用的噪声：不动训练的随机数
  const kind = settings.normal ? "normal" : "uniform";
  const size = models.G.noise_size;
  const draw = () => look.noise(kind, size);
  run = {
    ...models, settings, seen: 0, draw, paused: false, seconds: 0,
    grid: Array.from({ length: GRID }, draw),
    generate: settings.normal ? generate_normal_noise : generate_random,
    images: imageReader(models.image),
    sent: { D: 0, G: 0 },
    limit, quiet, history: [],
  };
  self.postMessage({ type: "ready", images: sprite.length / IMAGE });
  const r = run;
  await snapshot(r);
  tick(r);
}

/** 样本网格和各数字的比例。 */
async function snapshot(r) {
  if (r !== run) return;
  const grid = samples(r.G, r.grid);
  self.postMessage({ type: "grid", seen: r.seen, grid });
  const s = await shares(r.G, r.draw, SHARES);
  r.history.push([r.seen, s]);
  if (r === run) self.postMessage({ type: "shares", seen: r.seen, shares: s });
}

const SNAPSHOT = 5000; // 每训练 5000 张图像画一次样本、数一次数字

function tick(r) {
  if (r !== run || r.paused) return;
  const start = performance.now();
  const from = r.seen;
  train_gan(r.D, r.G, (k) => r.images(from + k), CHUNK, r.generate,
    r.G.noise_size);
  r.seen += CHUNK;
  r.seconds += (performance.now() - start) / 1000;
  if (!r.quiet) {
    self.postMessage({
      type: "progress", seen: r.seen, seconds: r.seconds,
      D: r.D.progress.slice(r.sent.D), G: r.G.progress.slice(r.sent.G),
    });
    r.sent = { D: r.D.progress.length, G: r.G.progress.length };
  }
  const next = r.seen % SNAPSHOT === 0 ? snapshot(r) : Promise.resolve();
  next.then(() => {
    if (r.seen < r.limit) setTimeout(() => tick(r), 0);
    else if (r === run) {
      self.postMessage({ type: "done", seen: r.seen, seconds: r.seconds,
        history: r.history });
    }
  });
}

/** 测试：从给定的权重、图像和噪声训练 count 张图像，返回损失记录与权重。 */
async function check({ settings, weights, images, noises, count }) {
  await loadWasm();
  const models = build(settings, 0, weights);
  const { D, G, image } = models;
  const size = G.noise_size;
  let used = 0;
  const given = () => {
    noise.set(noises.subarray(used * size, (used + 1) * size));
    used += 1;
    return noise;
  };
  const read = (k) => {
    image.set(images.subarray(k * IMAGE, (k + 1) * IMAGE));
    return image;
  };
  train_gan(D, G, read, count, given, size);
  return {
    D: { progress: D.progress, weights: getWeights(D.model) },
    G: { progress: G.progress, weights: getWeights(G.model) },
  };
}

/** 基准：在 MNIST 图像上训练 count 张图像，返回用时（毫秒）。 */
async function bench({ settings, seed, count }) {
  await Promise.all([loadWasm(), loadImages()]);
  const models = build(settings, seed, null);
  const generate = settings.normal ? generate_normal_noise : generate_random;
  const images = imageReader(models.image);
  train_gan(models.D, models.G, images, 200, generate, models.G.noise_size);
  const start = performance.now();
  train_gan(models.D, models.G, (k) => images(200 + k), count, generate,
    models.G.noise_size);
  return { ms: performance.now() - start };
}

self.onmessage = async ({ data }) => {
  try {
    if (data.cmd === "start") await begin(data);
    else if (data.cmd === "pause" && run) run.paused = true;
    else if (data.cmd === "resume" && run && run.paused) {
      run.paused = false;
      tick(run);
    } else if (data.cmd === "stop") run = null;
    else if (data.cmd === "check") {
      self.postMessage({ type: "check", result: await check(data) });
    } else if (data.cmd === "bench") {
      self.postMessage({ type: "bench", result: await bench(data) });
    }
  } catch (err) {
    self.postMessage({ type: "error", message: String(err.message || err) });
  }
};
