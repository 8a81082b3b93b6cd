/* gan_train.js：页面上的“训练”演示（data-widget="train"）。
 * gan_widgets.js 在演示进入视野附近时载入本文件；训练本身在后台线程
 * gan_train_worker.js 中进行，本文件只管按钮、开关和图表。
 */
(function () {
  "use strict";
  const G = self.GanWidgets; // el、drawGrid、drawShares、hexColors……
  const { el } = G;
  const WORKER_URL = new URL("gan_train_worker.js", G.SCRIPT_URL);
  const SEEDS = 10; // 可选的随机数种子：0～9
  const count = (n) => n.toLocaleString("zh-CN"); // 10,000
  const GRID_COLS = 8; // 样本网格：8 列 × 3 行
  const SWITCHES = [ // [名字, 标签]：第 7 部分的五处改进
    ["bce", "BCELoss 代替 MSELoss"],
    ["adam", "Adam 代替 SGD"],
    ["layernorm", "LayerNorm + LeakyReLU 代替 Sigmoid"],
    ["noise100", "100 个噪声值代替 1 个"],
    ["normal", "正态分布的噪声代替均匀分布"],
  ];

  /** 损失曲线：判别器、生成器各一栏，红色虚线是所选损失函数的平衡值。 */
  function drawLosses(canvas, series, reference) {
    const width = (canvas.width = 340);
    const height = (canvas.height = 260);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.font = "11px sans-serif";
    const panel = height / 2;
    series.forEach(([title, values, every], p) => {
      const top = p * panel + 18, bottom = (p + 1) * panel - 18;
      const left = 38, right = width - 8;
      const highest = Math.max(reference * 2, ...values.slice(-5000)) || 1;
      const y = (v) =>
        bottom - (Math.min(v, highest) / highest) * (bottom - top);
      const n = Math.max(values.length, 1);
      ctx.fillStyle = "#333";
      ctx.textAlign = "left";
      ctx.fillText(`${title}（每 ${every} 步记录一次损失）`, left, top - 5);
      ctx.textAlign = "right";
      for (const v of [0, highest / 2, highest]) {
        ctx.fillText(v.toFixed(2), left - 4, y(v) + 4);
      }
      ctx.fillStyle = "rgba(31, 119, 180, 0.35)"; // tab:blue，点很多时半透明
      const stride = Math.max(1, Math.floor(values.length / 4000));
      for (let i = 0; i < values.length; i += stride) {
        ctx.fillRect(left + (i / n) * (right - left), y(values[i]) - 1, 2, 2);
      }
      ctx.strokeStyle = "#d62728"; // tab:red：平衡值
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(left, y(reference));
      ctx.lineTo(right, y(reference));
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.strokeStyle = "#999";
      ctx.strokeRect(left, top, right - left, bottom - top);
    });
  }

  self.GanTrainWidget = async function (root) {
    const m = await G.manifest();
    const colors = G.hexColors(m.colormap.rgb);
    const startButton = el("button", { type: "button" }, "开始");
    const pauseButton = el("button", { type: "button", disabled: "" }, "暂停");
    const resetButton = el("button", { type: "button", disabled: "" }, "重来");
    const seedId = `gan-train-seed-${Math.random().toString(36).slice(2)}`;
    const seed = el("select", { id: seedId });
    for (let s = 0; s < SEEDS; s++) {
      seed.append(el("option", { value: s }, String(s)));
    }
    const boxes = SWITCHES.map(([name, label]) => {
      const input = el("input", { type: "checkbox", name });
      const row = el("label", { class: "gan-train-switch" }, input, label);
      return { name, input, row };
    });
    const preset = (on, text) => {
      const b = el("button", { type: "button" }, text);
      b.addEventListener("click", () => {
        boxes.forEach((x) => { x.input.checked = on; });
        describe();
      });
      return b;
    };
    const allOff = preset(false, "全部关闭：第一个 GAN");
    const allOn = preset(true, "全部打开：改良 GAN");
    const which = el("p", { class: "gan-widget-label", "aria-live": "polite" });
    const status = el("p",
      { class: "gan-widget-readout", "aria-live": "polite" },
      "按“开始”：下载训练用的代码和 10,000 张 MNIST 图像" +
      "（共约 2 MB），开始训练。");
    const losses = el("canvas", { role: "img", class: "gan-widget-chart",
      "aria-label": "判别器和生成器的损失" });
    const grid = el("canvas", { role: "img", class: "gan-widget-grid",
      "aria-label": "固定噪声画出的 24 个样本" });
    const chart = el("canvas", { role: "img", class: "gan-widget-chart" });
    const gridLabel = el("p", { class: "gan-widget-label" },
      "固定的 24 个噪声画出的样本：");
    chart.hidden = true;
    root.replaceChildren(
      el("p", { class: "gan-widget-title" }, "动手试一试：训练 GAN"),
      el("div", { class: "gan-widget-control" }, startButton, pauseButton,
        resetButton, el("label", { for: seedId }, "随机数种子"), seed),
      el("fieldset", { class: "gan-train-switches" },
        el("legend", {}, "第 7 部分的五处改进" +
          "（全部关闭是代码清单 08，全部打开是清单 09）"),
        ...boxes.map((b) => b.row),
        el("div", { class: "gan-widget-control" }, allOff, allOn)),
      which, status,
      el("div", { class: "gan-widget-row" },
        el("div", { class: "gan-widget-column" }, losses),
        el("div", { class: "gan-widget-column" }, gridLabel, grid, chart)));

    let worker = null;
    let state = "idle"; // idle、loading、training、paused、done
    let D = [], Gl = [], lastShares = null, drawn = 0;

    const settings = () => Object.fromEntries(
      boxes.map((b) => [b.name, b.input.checked]));
    const reference = () => (settings().bce ? Math.LN2 : 0.25);
    function describe() {
      const chosen = settings();
      const on = SWITCHES.filter(([name]) => chosen[name]).map(([, l]) => l);
      which.textContent = on.length === 0
        ? "五处改进全部关闭：代码清单 08 的第一个 GAN。"
        : on.length === SWITCHES.length
          ? "五处改进全部打开：代码清单 09 的改良 GAN。"
          : `打开了：${on.join("；")}。`;
    }
    function setState(s) {
      state = s;
      root.dataset.state = s;
      startButton.textContent = s === "paused" ? "继续" : "开始";
      startButton.disabled = ["training", "loading", "done"].includes(s);
      pauseButton.disabled = s !== "training";
      resetButton.disabled = s === "idle";
      const locked = s !== "idle";
      seed.disabled = locked;
      for (const b of boxes) b.input.disabled = locked;
      allOff.disabled = locked;
      allOn.disabled = locked;
    }
    function redraw() {
      const ref = reference();
      const name = settings().bce ? "BCE" : "MSE";
      drawLosses(losses, [["判别器", D, 10], ["生成器", Gl, 10]], ref);
      losses.setAttribute("aria-label",
        `判别器与生成器的损失（${D.length} 与 ${Gl.length} 个记录），` +
        `红色虚线是 ${name} 的平衡值 ${ref.toFixed(3)}`);
      drawn = performance.now();
    }
    function onMessage({ data }) {
      if (data.type === "ready") {
        setState("training");
      } else if (data.type === "progress") {
        D.push(...data.D);
        Gl.push(...data.G);
        const rate = data.seen / Math.max(data.seconds, 1e-9);
        status.textContent = `已训练 ${count(data.seen)} 张图像` +
          `（每张 3 步），每秒 ${count(Math.round(rate))} 张，` +
          `用时 ${data.seconds.toFixed(1)} 秒。`;
        root.dataset.seen = String(data.seen);
        root.dataset.rate = String(rate);
        if (performance.now() - drawn > 300) redraw();
      } else if (data.type === "grid") {
        G.drawGrid(grid, data.grid, GRID_COLS, 2, colors);
        gridLabel.textContent =
          `固定的 24 个噪声画出的样本（训练了 ${count(data.seen)} 张图像时）：`;
      } else if (data.type === "shares") {
        lastShares = data.shares;
        chart.hidden = false;
        G.drawShares(chart, data.shares,
          `200 个新样本中各数字的比例（${count(data.seen)} 张图像）`);
        const text = data.shares.map((v, d) => `${d}：${Math.round(v * 100)}%`);
        chart.setAttribute("aria-label", `各数字的比例：${text.join("，")}`);
        root.dataset.shares = JSON.stringify(data.shares);
        root.dataset.sharesAt = String(data.seen);
      } else if (data.type === "done") {
        setState("done");
        status.textContent += "训练到上限，停下了；按“重来”再训练一次。";
      } else if (data.type === "error") {
        status.textContent = `训练无法进行：${data.message}`;
        console.warn("gan_train_worker.js:", data.message);
        setState("idle");
      }
    }

    startButton.addEventListener("click", () => {
      if (state === "paused") {
        worker.postMessage({ cmd: "resume" });
        setState("training");
        return;
      }
      if (!worker) {
        worker = new Worker(WORKER_URL);
        worker.onmessage = onMessage;
      }
      D = [];
      Gl = [];
      setState("loading");
      status.textContent = "正在下载训练用的代码和 MNIST 图像……";
      worker.postMessage({ cmd: "start", settings: settings(),
        seed: Number(seed.value) });
    });
    pauseButton.addEventListener("click", () => {
      worker.postMessage({ cmd: "pause" });
      setState("paused");
      redraw();
    });
    resetButton.addEventListener("click", () => {
      worker.postMessage({ cmd: "stop" });
      setState("idle");
      D = [];
      Gl = [];
      lastShares = null;
      redraw();
      chart.hidden = true;
      grid.width = 0;
      status.textContent = "已清空。改动开关或随机数种子，再按“开始”。";
      delete root.dataset.shares;
      root.dataset.seen = "0";
    });
    for (const b of boxes) b.input.addEventListener("change", describe);
    describe();
    setState("idle");
    redraw();
    root.lastShares = () => lastShares;
  };
})();
