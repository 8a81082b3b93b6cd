;; gan_train.wat：训练演示中计算量最大的两件事，
;; 用 WebAssembly 的 128 位 SIMD 完成。
;; tools/build_train_widget.py（make widgets）把它汇编成 gan_train.wasm。
;;
;; 判别器的第一层（200×784）和生成器的最后一层（784×200）各有约 16 万个权重，
;; 训练一步的计算几乎都花在这两个矩阵上：
;;   linear   矩阵乘向量：y[j] = W 的第 j 行 · x
;;   update   逐行更新：对每一行 j，梯度是 g[j] × x（nn.Linear 的权重梯度，
;;            批量为 1 时就是外积），按 SGD 或 Adam 更新这一行；
;;            同一遍中还可以顺便完成两件事：
;;              back：更新之前，把 g[j] × 这一行 累加到 back（反向传播到输入）
;;              next：更新之后，y[j] = 这一行 · next（下一次前向计算）
;; 偏置、LayerNorm 和 Sigmoid 等按元素的小计算在 gan_train_worker.js 中。
;;
;; 所有数都是 float32（与 PyTorch 相同）。f32x4 一次算 4 个数；每行的长度
;; （stride）是 16 的倍数，不足的部分补 0：补上的权重和输入都是 0，
;; 它们的梯度是 0，SGD 与 Adam 都让它们保持为 0，点积也不变。
;; 地址以字节计，由 gan_train_worker.js 分配。
(module
  (memory (export "memory") 1)

  ;; 点积 w · x，n 个数（16 的倍数）：4 个累加器轮流相加，CPU 不必等上一次加法
  (func $dot (param $w i32) (param $x i32) (param $n i32) (result f32)
    (local $end i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $end
      (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $a (f32x4.add (local.get $a)
          (f32x4.mul (v128.load (local.get $w)) (v128.load (local.get $x)))))
        (local.set $b (f32x4.add (local.get $b)
          (f32x4.mul (v128.load offset=16 (local.get $w))
                     (v128.load offset=16 (local.get $x)))))
        (local.set $c (f32x4.add (local.get $c)
          (f32x4.mul (v128.load offset=32 (local.get $w))
                     (v128.load offset=32 (local.get $x)))))
        (local.set $d (f32x4.add (local.get $d)
          (f32x4.mul (v128.load offset=48 (local.get $w))
                     (v128.load offset=48 (local.get $x)))))
        (local.set $w (i32.add (local.get $w) (i32.const 64)))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (br $next)))
    (local.set $a (f32x4.add (f32x4.add (local.get $a) (local.get $b))
                             (f32x4.add (local.get $c) (local.get $d))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a))
               (f32x4.extract_lane 1 (local.get $a)))
      (f32.add (f32x4.extract_lane 2 (local.get $a))
               (f32x4.extract_lane 3 (local.get $a)))))

  ;; y[j] = W 的第 j 行 · x，j = 0 .. rows-1；每行 n 个数
  (func (export "linear")
    (param $W i32) (param $rows i32) (param $n i32)
    (param $x i32) (param $y i32)
    (local $end i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end
      (i32.add (local.get $y) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (f32.store (local.get $y)
          (call $dot (local.get $W) (local.get $x) (local.get $n)))
        (local.set $W (i32.add (local.get $W) (local.get $bytes)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $row))))

  ;; back[i] += s × w[i]：反向传播，用更新之前的权重
  (func $axpy (param $back i32) (param $s f32) (param $w i32) (param $n i32)
    (local $end i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end
      (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (v128.store (local.get $back) (f32x4.add (v128.load (local.get $back))
          (f32x4.mul (local.get $sv) (v128.load (local.get $w)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $back (i32.add (local.get $back) (i32.const 16)))
        (br $next))))

  ;; SGD（torch.optim.SGD，无动量）：w[i] += (-lr) × (s × x[i])
  (func $sgd_row (param $w i32) (param $s f32) (param $x i32) (param $n i32)
                 (param $neg_lr f32)
    (local $end i32) (local $sv v128) (local $lv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $lv (f32x4.splat (local.get $neg_lr)))
    (local.set $end
      (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (v128.store (local.get $w) (f32x4.add (v128.load (local.get $w))
          (f32x4.mul (local.get $lv)
                     (f32x4.mul (local.get $sv) (v128.load (local.get $x))))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $next))))

  ;; Adam（torch.optim.Adam，单个张量的算法，amsgrad=False）：梯度 g = s × x[i]
  ;;   m = m + (1-β1)(g - m)                  exp_avg.lerp_(grad, 1-β1)
  ;;   v = v β2 + (1-β2) g g                  exp_avg_sq.mul_(β2).addcmul_(...)
  ;;   w = w + (-lr/(1-β1^t)) m / (√v / √(1-β2^t) + eps)   param.addcdiv_(...)
  ;; 后面四个常数由 gan_train_worker.js 按第 t 步算好（与 PyTorch 一样先用
  ;; 64 位浮点数计算，再转成 float32）。
  (func $adam_row (param $w i32) (param $m i32) (param $v i32) (param $s f32)
                  (param $x i32) (param $n i32) (param $w1 f32) (param $b2 f32)
                  (param $omb2 f32) (param $bc2s f32) (param $eps f32)
                  (param $step f32)
    (local $end i32) (local $sv v128) (local $g v128) (local $mi v128)
    (local $vi v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end
      (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $g (f32x4.mul (local.get $sv) (v128.load (local.get $x))))
        (local.set $mi (v128.load (local.get $m)))
        (local.set $mi (f32x4.add (local.get $mi)
          (f32x4.mul (f32x4.splat (local.get $w1))
                     (f32x4.sub (local.get $g) (local.get $mi)))))
        (local.set $vi (f32x4.add
          (f32x4.mul (v128.load (local.get $v)) (f32x4.splat (local.get $b2)))
          (f32x4.mul (f32x4.mul (f32x4.splat (local.get $omb2)) (local.get $g))
                     (local.get $g))))
        (v128.store (local.get $m) (local.get $mi))
        (v128.store (local.get $v) (local.get $vi))
        (v128.store (local.get $w) (f32x4.add (v128.load (local.get $w))
          (f32x4.div (f32x4.mul (f32x4.splat (local.get $step)) (local.get $mi))
                     (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi))
                                           (f32x4.splat (local.get $bc2s)))
                                (f32x4.splat (local.get $eps))))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $next))))

  ;; 逐行：back += g[j] × 旧的第 j 行（back 不为 0 时）；按 opt 更新第 j 行
  ;; （0：SGD，a = -lr；1：Adam，a..f 是上面的常数；2：不更新）；
  ;; y[j] = 新的第 j 行 · next（next 不为 0 时）。
  (func (export "update")
    (param $W i32) (param $M i32) (param $V i32)
    (param $rows i32) (param $n i32)
    (param $g i32) (param $x i32) (param $opt i32)
    (param $a f32) (param $b f32) (param $c f32) (param $d f32) (param $e f32)
    (param $f f32)
    (param $back i32) (param $next i32) (param $y i32)
    (local $j i32) (local $s f32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $j) (local.get $rows)))
        (local.set $s (f32.load
          (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2)))))
        (if (local.get $back)
          (then (call $axpy (local.get $back) (local.get $s) (local.get $W)
                            (local.get $n))))
        (if (i32.eqz (local.get $opt))
          (then (call $sgd_row (local.get $W) (local.get $s) (local.get $x)
                               (local.get $n) (local.get $a))))
        (if (i32.eq (local.get $opt) (i32.const 1))
          (then (call $adam_row (local.get $W) (local.get $M) (local.get $V)
                  (local.get $s) (local.get $x) (local.get $n) (local.get $a)
                  (local.get $b) (local.get $c) (local.get $d) (local.get $e)
                  (local.get $f))))
        (if (local.get $next)
          (then (f32.store (i32.add (local.get $y)
                                    (i32.shl (local.get $j) (i32.const 2)))
                  (call $dot (local.get $W) (local.get $next) (local.get $n)))))
        (local.set $W (i32.add (local.get $W) (local.get $bytes)))
        (local.set $M (i32.add (local.get $M) (local.get $bytes)))
        (local.set $V (i32.add (local.get $V) (local.get $bytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $row))))
)
