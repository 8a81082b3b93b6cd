"""The book's claims about its runs, each a condition on the measured numbers.

Read by the Sphinx extension ``chapter_claims`` beside this file. The claims are used on
the pages listed in ``PAGES`` (the chapter and its appendix of experiments); a claim may be
used on both. Each entry:

- ``name``: the page writes ``{claim}`name``` right after the sentence;
- ``says``: what the sentence says (Chinese), for the build's warning;
- ``condition``: a Python expression over keys of ``chapter_metrics.json`` (and
  ``abs``, ``min``, ``max``, ``round``) that is true when the sentence holds;
- ``measured``: Chinese text of what was measured, ``{key}`` or ``{key:digits}``
  standing for the run's values (formatted as the ``{metric}`` role shows them),
  shown to the reader when the sentence does not hold in their run.

Who writes the keys: the notebooks (losses, variety, digit shares of seed 0),
``make bench`` (bench_*), ``python -m experiments.ablation`` (seeds_*, ablation_*,
anchor_*, classifier_*), ``python -m experiments.remedies`` (remedies_*, remedy_*)
``python -m experiments.hopping`` (hop_*) and ``python -m experiments.conv_gan`` (conv_*).
"""

LN2 = 0.693  # the BCE equilibrium, ln 2
PAGES = ["book/chapter_2_3_2.md", "book/appendix_experiments.md"]  # where claims are used

CLAIMS = [
    # ------------------------------------------------------------ 3. testing the discriminator
    dict(name="d_test_loss_near_zero",
         says="判别器的损失很快下降，并一直保持在接近 0 的水平",
         condition="d_test_loss_last < 0.01",
         measured="最后 1,000 个损失记录的平均值为 {d_test_loss_last:5}"),
    dict(name="d_tells_real_from_noise",
         says="判别器把真实图像和随机噪声区分开了",
         condition="d_test_real_mean > 0.9 and d_test_noise_mean < 0.1",
         measured="对测试图像的平均输出为 {d_test_real_mean}，对随机噪声为 {d_test_noise_mean}"),
    # ------------------------------------------------------------ 6. training the GAN
    dict(name="fast_engine_faster",
         says="快速引擎比书中的循环快",
         condition="bench_first_fast_ms < bench_first_listing_ms",
         measured="每个样本的 CPU 时间：快速引擎 {bench_first_fast_ms:3} 毫秒，书中的代码 "
                  "{bench_first_listing_ms:3} 毫秒"),
    dict(name="gan1_d_loss_drops_first",
         says="第一个 GAN 的判别器损失先迅速降到接近 0",
         condition="gan1_d_loss_low < 0.05",
         measured="判别器损失 200 个记录的移动平均最低为 {gan1_d_loss_low}"),
    dict(name="gan1_d_loss_near_equilibrium",
         says="判别器损失的移动平均最高接近平衡值 0.25",
         condition="abs(gan1_d_loss_peak - 0.25) <= 0.05",
         measured="判别器损失 200 个记录的移动平均最高为 {gan1_d_loss_peak}"),
    dict(name="gan1_d_loss_falls_again",
         says="判别器的损失之后再次降向 0",
         condition="gan1_d_loss_last < 0.1 and gan1_d_loss_last < gan1_d_loss_peak / 2",
         measured="最高 {gan1_d_loss_peak}，最后 1,000 个记录的平均值 {gan1_d_loss_last}"),
    dict(name="gan1_g_loss_high_first",
         says="起初生成器的损失很高",
         condition="gan1_g_loss_high > 0.5",
         measured="生成器损失 200 个记录的移动平均最高为 {gan1_g_loss_high}"),
    dict(name="gan1_g_loss_near_equilibrium",
         says="双方接近平衡时，生成器的损失降到 0.25 上方",
         condition="0.25 < gan1_g_loss_low < 0.45",
         measured="生成器损失 200 个记录的移动平均最低为 {gan1_g_loss_low}"),
    dict(name="gan1_g_loss_rises_again",
         says="随着判别器再次领先，生成器的损失又升高",
         condition="gan1_g_loss_last > gan1_g_loss_low + 0.2",
         measured="最低 {gan1_g_loss_low}，最后 1,000 个记录的平均值 {gan1_g_loss_last}"),
    dict(name="gan_collapsed_after_one_epoch",
         says="第一个 GAN 训练 1 个轮次后，每个随机数种子都只画一种数字",
         condition="seeds_gan_collapsed_first == seeds_gan_runs and seeds_gan_min_top_share_first >= 0.9",
         measured="{seeds_gan_runs} 个随机数种子中，第 1 个轮次后崩溃的有 {seeds_gan_collapsed_first} 个；"
                  "画得最多的数字的占比最低为 {seeds_gan_min_top_share_first:%1}"),
    dict(name="gan10_one_digit",
         says="训练 10 个轮次后，第一个 GAN 的图像看上去都是同一个数字",
         condition="gan10_top_share >= 0.9",
         measured="最常见的数字 {gan10_top_digit} 占 {gan10_top_share:2}"),
    dict(name="gan10_every_seed_one_digit",
         says="第一个 GAN 训练 10 个轮次后，每个随机数种子都几乎只画一种数字",
         condition="seeds_gan_collapsed == seeds_gan_runs and seeds_gan_min_top_share >= 0.9",
         measured="{seeds_gan_runs} 个随机数种子中崩溃的有 {seeds_gan_collapsed} 个，最常见数字的占比最低为 "
                  "{seeds_gan_min_top_share:2}"),
    dict(name="gan_digit_hops",
         says="第一个 GAN 画的数字随训练改变，多数随机数种子第 10 个轮次画的数字与第 1 个轮次的不同",
         condition="2 * seeds_gan_top_changed > seeds_gan_runs",
         measured="{seeds_gan_runs} 个随机数种子中，第 1 与第 10 个轮次画得最多的数字不同的有 {seeds_gan_top_changed} 个"),
    dict(name="hopping_agrees_with_seeds_group",
         says="图2-71 的训练就是多随机数种子表中第一个 GAN 的训练：第 1 与第 10 个轮次画的数字不同的种子数一样",
         condition="hop_runs_id == seeds_gan_runs_id and hop_first_last_changed == seeds_gan_top_changed",
         measured="图2-71：{hop_seeds} 个种子中 {hop_first_last_changed} 个；多随机数种子的打分："
                  "{seeds_gan_runs} 个种子中 {seeds_gan_top_changed} 个"),
    dict(name="gan_mostly_one_digit_every_epoch",
         says="第一个 GAN 每训练完一个轮次，样本大多是同一个数字",
         condition="hop_min_top_share > 0.5",
         measured="各随机数种子、各轮次中，最常见数字的占比最低为 {hop_min_top_share:%0}"),
    dict(name="gan_digit_hops_every_epoch",
         says="第一个 GAN 画得最多的数字在轮次之间常常改变，每个随机数种子都换过数字",
         condition="hop_changes >= hop_seeds and hop_seeds_changing == hop_seeds "
                   "and 0 < hop_changes <= hop_transitions",
         measured="{hop_seeds} 个随机数种子中换过数字的有 {hop_seeds_changing} 个，"
                  "{hop_transitions} 次轮次交替中共换了 {hop_changes} 次"),
    dict(name="hopping_settles",
         says="到第 10 个轮次，多数随机数种子画的是同一个数字，但其中只有少数在最后 4 个轮次一直画它",
         condition="hop_epochs == 10 and 2 * hop_last_digit_seeds > hop_seeds "
                   "and 2 * hop_settled_seeds < hop_last_digit_seeds",
         measured="{hop_seeds} 个随机数种子中 {hop_last_digit_seeds} 个停在数字 {hop_last_digit} 上，"
                  "最后 4 个轮次一直画它的有 {hop_settled_seeds} 个"),
    dict(name="hopping_seed_0_is_figure_2_64",
         says="图2-71 中随机数种子 0 的训练就是图2-64 的那次，最后画的数字相同",
         condition="hop_first_seed == seed and hop_epochs == 10 and hop_first_seed_last_digit == gan10_top_digit",
         measured="图2-71：随机数种子 {hop_first_seed} 第 {hop_epochs} 个轮次后画得最多的是 "
                  "{hop_first_seed_last_digit}；图2-64 的运行（随机数种子 {seed}）画得最多的是 {gan10_top_digit}"),
    # ------------------------------------------------------------ 7. the improved GAN; appendix: seeds, mode hopping, ablation
    dict(name="variety_ratios",
         says="第一个 GAN 的多样性比值接近 0，改良 GAN 的接近 1",
         condition="gan10_variety < 0.1 and improved10_variety > 0.7",
         measured="第一个 GAN {gan10_variety}，改良 GAN {improved10_variety}"),
    dict(name="improved_many_digits",
         says="改良 GAN 生成了多种不同的数字（没有崩溃）",
         condition="improved10_digits >= 3 and improved10_kl <= 1.5",
         measured="占比至少 1% 的数字有 {improved10_digits} 个，KL 为 {improved10_kl}"),
    dict(name="improved_not_all_digits",
         says="改良 GAN 还没有画出全部 10 个数字",
         condition="improved10_digits < 10",
         measured="占比至少 1% 的数字有 {improved10_digits} 个"),
    dict(name="improved_losses_far_from_equilibrium",
         says="改良 GAN 的损失离平衡值 ln 2 很远：判别器的低于它，生成器的远高于它",
         condition=f"improved10_d_loss_last < {LN2} - 0.2 and improved10_g_loss_last > 2 * {LN2}",
         measured="最后 1,000 个记录的平均损失：判别器 {improved10_d_loss_last}，生成器 "
                  "{improved10_g_loss_last}"),
    dict(name="gan_collapses_every_seed",
         says="第一个 GAN 每个随机数种子都发生了模式崩溃",
         condition="seeds_gan_collapsed == seeds_gan_runs",
         measured="{seeds_gan_runs} 次训练中崩溃的有 {seeds_gan_collapsed} 次"),
    dict(name="gan_one_digit_every_seed",
         says="分类器把第一个 GAN 的全部样本判为同一个数字",
         condition="seeds_gan_min_top_share >= 0.999",
         measured="最常见数字的占比最低为 {seeds_gan_min_top_share}"),
    dict(name="improved_no_collapse",
         says="改良 GAN 没有崩溃",
         condition="seeds_improved_collapsed == 0",
         measured="{seeds_improved_runs} 次训练中崩溃的有 {seeds_improved_collapsed} 次"),
    dict(name="improved_rare_digits",
         says="改良 GAN 的个别数字几乎不出现",
         condition="seeds_improved_min_share < 0.02",
         measured="最少数字占比的均值为 {seeds_improved_min_share:%1}"),
    dict(name="improved_fid_far",
         says="改良 GAN 的 FID 远高于加噪声的锚点",
         condition="seeds_improved_fid > 2 * anchor_noisy_fid",
         measured="改良 GAN 的 FID 为 {seeds_improved_fid:1}，加噪真实图像为 {anchor_noisy_fid:1}"),
    dict(name="improved_is_low",
         says="改良 GAN 的 IS 明显低于真实图像",
         condition="seeds_improved_is < anchor_real_is - 2",
         measured="改良 GAN 的 IS 为 {seeds_improved_is:2}，真实图像为 {anchor_real_is:2}"),
    dict(name="single_fixes_mostly_collapse",
         says="单独采用一项改进，大多数训练仍然崩溃，没有崩溃的都只换了正态分布噪声",
         condition="ablation_single_collapsed > ablation_single_runs / 2 and ablation_escaping_arms in ('normal', '–')",
         measured="单项改进的 {ablation_single_runs} 次训练中崩溃 {ablation_single_collapsed} 次；"
                  "有训练没有崩溃的改进：{ablation_escaping_arms}"),
    dict(name="normal_alone_uneven",
         says="只换正态分布噪声而没有崩溃的训练，数字分布远不如改良 GAN 均匀（KL 至少是它的两倍）",
         condition="ablation_escaping_arms == 'normal' and ablation_escaped_kl_min > 2 * seeds_improved_kl",
         measured="没有崩溃的单项改进训练 KL 最小 {ablation_escaped_kl_min:2}，"
                  "改良 GAN（多个随机数种子的均值）{seeds_improved_kl:2}"),
    dict(name="all_five_no_collapse",
         says="五项一起使用时，没有一次训练崩溃",
         condition="ablation_all_runs > 0 and ablation_all_collapsed == 0",
         measured="五项全用的 {ablation_all_runs} 次训练中崩溃的有 {ablation_all_collapsed} 次"),
    # ------------------------------------------------------------ 9. going further (mini-batches); appendix: remedies
    dict(name="improved_worse_with_epochs",
         says="改良 GAN 多训练几个轮次，数字分布反而更不均匀",
         condition="seeds_improved_kl > seeds_improved_first_kl",
         measured="KL 的均值：第 {seeds_first_epoch} 个轮次后 {seeds_improved_first_kl}，第 {seeds_epochs} "
                  "个轮次后 {seeds_improved_kl}"),
    dict(name="remedies_over_budget",
         says="在本书的机器上，补救方法用掉的 CPU 时间超过了改良 GAN 的预算，最多约为它的 1.4 倍",
         condition="remedies_max_cpu_s > remedies_budget_cpu_s and 1.3 <= remedies_max_cpu_budgets < 1.5",
         measured="预算 {remedies_budget_cpu_s:0} 秒，方法的 CPU 时间（种子平均）最多 {remedies_max_cpu_s:0} 秒，"
                  "是预算的 {remedies_max_cpu_budgets:2} 倍"),
    dict(name="feature_matching_best",
         says="评分卡选出的最佳方法是特征匹配",
         condition="remedies_best == 'feature-matching'",
         measured="离目标差距最小的方法是 {remedies_best}"),
    dict(name="no_remedy_meets_goal",
         says="没有一种方法达到全部目标",
         condition="remedies_meeting_all == 0",
         measured="达到全部目标的方法有 {remedies_meeting_all} 种"),
    dict(name="spectral_norm_lowest_kl",
         says="谱归一化的 KL 均值最低，但没有一种方法低于 0.1",
         condition="remedies_meeting_kl == 0 and remedies_lowest_kl == 'spectral-norm'",
         measured="KL 达标的方法有 {remedies_meeting_kl} 种，KL 最低的是 {remedies_lowest_kl}"),
    dict(name="no_remedy_min_share",
         says="没有一种方法在每个随机数种子里都让每个数字至少占 5%",
         condition="remedies_meeting_min_share == 0",
         measured="达到这一条的方法有 {remedies_meeting_min_share} 种"),
    dict(name="no_remedy_quality",
         says="没有一种方法的 IS 达到 7，也没有一种方法的 FID 低于加噪真实图像",
         condition="remedies_meeting_is == 0 and remedies_meeting_fid == 0",
         measured="IS 达标的方法 {remedies_meeting_is} 种，FID 达标的 {remedies_meeting_fid} 种"),
    dict(name="minibatch_memorised_below_real",
         says="单纯的小批量训练的记忆比例，最多的一个种子也低于真实测试图像",
         condition="remedy_minibatch_memorised_max < anchor_real_memorised",
         measured="记忆比例的均值为 {remedy_minibatch_memorised:%2}，最多的一个种子为 "
                  "{remedy_minibatch_memorised_max:%1}；真实测试图像为 {anchor_real_memorised:%2}"),
    dict(name="no_remedy_memorises",
         says="按均值，没有一种方法的记忆比例高于真实测试图像",
         condition="remedies_memorising == 0 and remedies_memorised_limit == anchor_real_memorised",
         measured="记忆比例高于真实测试图像（{remedies_memorised_limit:%2}）的方法有 {remedies_memorising} 种；"
                  "真实测试图像为 {anchor_real_memorised:%2}"),
    dict(name="feature_matching_kl_half",
         says="特征匹配的 KL 不到改良 GAN 的一半，最少的数字占比比改良 GAN 高",
         condition="remedy_feature_matching_kl < remedy_improved_kl / 2 "
                   "and remedy_feature_matching_min_share > remedy_improved_min_share",
         measured="KL：特征匹配 {remedy_feature_matching_kl}，改良 GAN {remedy_improved_kl}；最少数字占比："
                  "特征匹配 {remedy_feature_matching_min_share}，改良 GAN {remedy_improved_min_share}"),
    dict(name="feature_matching_fid_like_improved",
         says="特征匹配的 FID 与改良 GAN 相当",
         condition="abs(remedy_feature_matching_fid - remedy_improved_fid) < 0.1 * remedy_improved_fid",
         measured="FID：特征匹配 {remedy_feature_matching_fid:1}，改良 GAN {remedy_improved_fid:1}"),
    dict(name="feature_matching_short_of_goal",
         says="特征匹配的最少数字占比仍不到 5%，FID 也远高于加噪真实图像",
         condition="remedy_feature_matching_min_share < remedies_min_share_goal "
                   "and remedy_feature_matching_fid > 2 * anchor_noisy_fid",
         measured="最少数字占比 {remedy_feature_matching_min_share}，FID {remedy_feature_matching_fid:1}"
                  "（加噪真实图像 {anchor_noisy_fid:1}）"),
    dict(name="spectral_norm_worse_images",
         says="谱归一化的 FID 比改良 GAN 高，召回率不到改良 GAN 的一半",
         condition="remedy_spectral_norm_fid > remedy_improved_fid "
                   "and remedy_spectral_norm_recall < remedy_improved_recall / 2",
         measured="FID：谱归一化 {remedy_spectral_norm_fid:1}，改良 GAN {remedy_improved_fid:1}；召回率："
                  "谱归一化 {remedy_spectral_norm_recall}，改良 GAN {remedy_improved_recall}"),
    dict(name="pacgan_close_to_feature_matching",
         says="PacGAN 的 KL 与特征匹配接近，但最少的数字占比更低，FID 更高",
         condition="abs(remedy_pacgan2_kl - remedy_feature_matching_kl) < 0.05 "
                   "and remedy_pacgan2_min_share < remedy_feature_matching_min_share "
                   "and remedy_pacgan2_fid > remedy_feature_matching_fid",
         measured="PacGAN：KL {remedy_pacgan2_kl}，最少数字占比 {remedy_pacgan2_min_share}，FID "
                  "{remedy_pacgan2_fid:1}；特征匹配：KL {remedy_feature_matching_kl}，最少数字占比 "
                  "{remedy_feature_matching_min_share}，FID {remedy_feature_matching_fid:1}"),
    dict(name="minibatch_alone_worse",
         says="只换成小批量训练、不加别的方法，仍有随机数种子崩溃，KL 高于改良 GAN",
         condition="remedy_minibatch_collapsed > 0 and remedy_minibatch_kl > remedy_improved_kl",
         measured="崩溃 {remedy_minibatch_collapsed}/{remedy_minibatch_n}，KL {remedy_minibatch_kl}"
                  "（改良 GAN {remedy_improved_kl}）"),
    dict(name="ttur_collapses",
         says="双时间尺度也有种子崩溃",
         condition="remedy_ttur_collapsed > 0",
         measured="崩溃 {remedy_ttur_collapsed}/{remedy_ttur_n}"),
    dict(name="label_smoothing_varies",
         says="单侧标签平滑没有崩溃，但种子之间差别很大",
         condition="remedy_label_smoothing_collapsed == 0 "
                   "and remedy_label_smoothing_kl_sd > remedy_label_smoothing_kl / 2",
         measured="崩溃 {remedy_label_smoothing_collapsed}/{remedy_label_smoothing_n}，KL 均值 "
                  "{remedy_label_smoothing_kl}、标准差 {remedy_label_smoothing_kl_sd}"),
    dict(name="minibatch_discrimination_no_collapse",
         says="小批量判别避免了单纯小批量训练的崩溃，但 KL 比改良 GAN 还高",
         condition="remedy_minibatch_discrim_collapsed == 0 and remedy_minibatch_collapsed > 0 "
                   "and remedy_minibatch_discrim_kl > remedy_improved_kl",
         measured="崩溃：小批量判别 {remedy_minibatch_discrim_collapsed}/{remedy_minibatch_discrim_n}，"
                  "单纯的小批量训练 {remedy_minibatch_collapsed}/{remedy_minibatch_n}；KL：小批量判别 "
                  "{remedy_minibatch_discrim_kl}，改良 GAN {remedy_improved_kl}"),
    dict(name="three_remedies_halve_kl",
         says="特征匹配、PacGAN 和谱归一化的 KL 都不到改良 GAN 的一半",
         condition="max(remedy_feature_matching_kl, remedy_pacgan2_kl, remedy_spectral_norm_kl) "
                   "< remedy_improved_kl / 2",
         measured="KL：特征匹配 {remedy_feature_matching_kl}，PacGAN {remedy_pacgan2_kl}，谱归一化 "
                  "{remedy_spectral_norm_kl}，改良 GAN {remedy_improved_kl}"),
    dict(name="minibatch_discrimination_not_more_even",
         says="同样看一批样本的小批量判别，KL 反而比改良 GAN 高",
         condition="remedy_minibatch_discrim_kl > remedy_improved_kl",
         measured="KL：小批量判别 {remedy_minibatch_discrim_kl}，改良 GAN {remedy_improved_kl}"),
    dict(name="spectral_norm_worst_fid_of_three",
         says="谱归一化的 FID 在这三种方法里最高",
         condition="remedy_spectral_norm_fid > max(remedy_feature_matching_fid, remedy_pacgan2_fid)",
         measured="FID：谱归一化 {remedy_spectral_norm_fid:1}，特征匹配 {remedy_feature_matching_fid:1}，"
                  "PacGAN {remedy_pacgan2_fid:1}"),
    # ------------------------------------------------------------ 10. the convolutional GAN; appendix: its goals, longer run
    dict(name="conv_every_digit_every_seed",
         says="卷积 GAN 在每个随机数种子里都画出了全部 10 个数字，每个数字至少占 5%",
         condition="conv_goal_every_digit_5pct and conv_min_share >= 0.05",
         measured="{conv_seeds_n} 个随机数种子中最少的数字占 {conv_min_share:%1}"),
    dict(name="conv_kl_within_goal",
         says="卷积 GAN 每个随机数种子的 KL 都不超过 0.05",
         condition="conv_goal_kl and conv_kl_max <= 0.05",
         measured="KL 最大为 {conv_kl_max}"),
    dict(name="conv_fid_below_noisy",
         says="卷积 GAN 每个随机数种子的 FID 都低于加噪真实图像",
         condition="conv_goal_fid_below_noisy and conv_fid_max < conv_noisy_fid",
         measured="FID 最大为 {conv_fid_max:1}，加噪真实图像为 {conv_noisy_fid:1}"),
    dict(name="conv_no_memorisation",
         says="卷积 GAN 的记忆比例远低于真实测试图像，没有照抄的迹象",
         condition="conv_goal_no_memorisation and conv_memorised_max < anchor_real_memorised / 2",
         measured="记忆的样本比例最大为 {conv_memorised_max:%2}，真实测试图像为 {anchor_real_memorised:%2}"),
    dict(name="conv_over_budget",
         says="在本书的机器上，卷积 GAN 每次训练的 CPU 时间都超过了 10 分钟的预算",
         condition="not conv_goal_cpu_budget and conv_cpu_min_s > conv_goal_cpu_s",
         measured="训练的 CPU 时间 {conv_cpu_min_s:0}～{conv_cpu_max_s:0} 秒，预算 {conv_goal_cpu_s:0} 秒"),
    dict(name="conv_is_short_of_goal",
         says="卷积 GAN 的 IS 没有达到 8.5",
         condition="not conv_goal_inception_score and conv_is < conv_goal_is",
         measured="IS 的均值为 {conv_is:2}"),
    dict(name="conv_classifier_unsure",
         says="分类器对卷积 GAN 的多数样本有把握，但不如对真实图像",
         condition="0.8 < conv_confidence < conv_real_confidence - 0.03",
         measured="分类器最大概率的平均值：卷积 GAN {conv_confidence}，真实测试图像 {conv_real_confidence}"),
    dict(name="conv_goals_but_is_and_budget",
         says="卷积 GAN 达到了除 IS 和 CPU 时间以外的全部目标",
         condition="conv_goals_reached == conv_goals_n - 2 and not conv_goal_inception_score "
                   "and not conv_goal_cpu_budget",
         measured="{conv_goals_n} 项目标达到了 {conv_goals_reached} 项"),
    dict(name="conv_average_lowers_fid",
         says="权重的滑动平均在每个随机数种子里都降低了 FID",
         condition="conv_average_fid_lower_seeds == conv_average_pairs and conv_fid < conv_raw_fid",
         measured="{conv_average_pairs} 个随机数种子中 {conv_average_fid_lower_seeds} 个更低；"
                  "FID 均值：滑动平均 {conv_fid:1}，生成器本身 {conv_raw_fid:1}"),
    dict(name="conv_average_is_small",
         says="滑动平均在每个随机数种子里都提高了 IS，但均值只提高了不到 0.2",
         condition="0 < conv_is - conv_raw_is < 0.2 and conv_average_is_lower_seeds == '–'",
         measured="IS 均值：滑动平均 {conv_is:2}，生成器本身 {conv_raw_is:2}；"
                  "IS 下降的随机数种子：{conv_average_is_lower_seeds}"),
    dict(name="conv_beats_remedies",
         says="按各自的加噪真实图像折算，卷积 GAN 的 FID 不到特征匹配的四分之一",
         condition="conv_fid / conv_noisy_fid < remedy_feature_matching_fid / anchor_noisy_fid / 4",
         measured="FID / 加噪真实图像的 FID：卷积 GAN {conv_fid:1} / {conv_noisy_fid:1}，"
                  "特征匹配 {remedy_feature_matching_fid:1} / {anchor_noisy_fid:1}"),
    dict(name="conv_budget_larger",
         says="卷积 GAN 的训练预算大于小批量上的每种补救方法",
         condition="conv_cpu_s > remedies_max_cpu_s",
         measured="CPU 时间：卷积 GAN 平均 {conv_cpu_s:0} 秒，补救方法最多 {remedies_max_cpu_s:0} 秒"),
    dict(name="conv_without_spectral_norm_worse",
         says="去掉谱归一化后，数字分布和 FID 都明显变差：有的随机数种子里最少的数字不到 5%，"
              "KL 最大值是代码清单 11 的两倍以上，FID 的均值比代码清单 11 高出四成以上（但仍可能低于加噪真实图像）",
         condition="conv_no_sn_seeds_n == conv_seeds_n and not conv_no_sn_goal_every_digit_5pct "
                   "and conv_no_sn_kl_max > 2 * conv_kl_max and conv_no_sn_fid > 1.4 * conv_fid",
         measured="去掉谱归一化（{conv_no_sn_seeds_n} 个种子）：最少数字占比 {conv_no_sn_min_share:%1}，"
                  "KL 最大 {conv_no_sn_kl_max}，FID 均值 {conv_no_sn_fid:1}；"
                  "代码清单 11：KL 最大 {conv_kl_max}，FID 均值 {conv_fid:1}"),
    dict(name="conv_richer_close",
         says="批归一化、合页损失和两个学习率三样一起加上，FID 和 IS 的均值与代码清单 11 相差都不到一成，"
              "每个随机数种子里 10 个数字仍然都至少占 5%",
         condition="conv_richer_seeds_n == conv_seeds_n and abs(conv_richer_fid - conv_fid) < 0.1 * conv_fid "
                   "and abs(conv_richer_is - conv_is) < 0.1 * conv_is and conv_richer_goal_every_digit_5pct",
         measured="三样一起加上（{conv_richer_seeds_n} 个种子）：FID 均值 {conv_richer_fid:1}，IS 均值 "
                  "{conv_richer_is:2}，最少数字占比 {conv_richer_min_share:%1}；代码清单 11：FID 均值 {conv_fid:1}，"
                  "IS 均值 {conv_is:2}"),
    dict(name="conv_ingredients_over_budget",
         says="去掉或加上成分，训练的 CPU 时间都仍超过 600 秒",
         condition="conv_ingredients_cpu_min_s > conv_goal_cpu_s",
         measured="改动成分的训练中 CPU 时间最少的为 {conv_ingredients_cpu_min_s:0} 秒，预算 {conv_goal_cpu_s:0} 秒"),
    dict(name="conv_longer_fid_falls",
         says="加长训练后 FID 总体继续下降",
         condition="conv_longer_fid < conv_longer_start_fid",
         measured="FID：第 {conv_longer_start_epoch} 个轮次 {conv_longer_start_fid:1}，第 {conv_longer_epochs} 个轮次 {conv_longer_fid:1}"),
    dict(name="conv_longer_is_short",
         says="预算之后 IS 上升得很慢（每 600 秒 CPU 时间不到 0.25），加长训练也没有达到 8.5",
         condition="not conv_longer_reaches_is and conv_longer_best_is < conv_goal_is"
                   " and 0 < conv_longer_is_per_budget < 0.25",
         measured="IS：每 600 秒提高 {conv_longer_is_per_budget:2}；第 {conv_longer_epochs} 个轮次 {conv_longer_is:2}，"
                  "最高 {conv_longer_best_is:2}"),
    dict(name="conv_longer_needs_budgets",
         says="按继续训练时的平均速度外推，达到 IS 8.5 要预算的两倍以上",
         condition="conv_longer_estimate_budgets > 2",
         measured="外推：{conv_longer_estimate_cpu_s:0} 秒，预算的 {conv_longer_estimate_budgets:1} 倍"),
    dict(name="conv_wide_better_per_epoch",
         says="生成器的通道加倍，同样 8 个轮次，IS 和 FID 的均值都好于代码清单 11",
         condition="conv_wide_seeds_n == conv_seeds_n and conv_wide_epochs == conv_epochs"
                   " and conv_wide_is > conv_is and conv_wide_fid < conv_fid",
         measured="通道加倍（{conv_wide_seeds_n} 个种子）：IS 均值 {conv_wide_is:2}，FID 均值 {conv_wide_fid:1}；"
                  "代码清单 11：IS 均值 {conv_is:2}，FID 均值 {conv_fid:1}"),
    dict(name="conv_wide_costs_more",
         says="通道加倍后，每次训练的 CPU 时间都多于代码清单 11",
         condition="conv_wide_cpu_min_s > conv_cpu_max_s",
         measured="通道加倍：{conv_wide_cpu_min_s:0}～{conv_wide_cpu_max_s:0} 秒；代码清单 11：最多 {conv_cpu_max_s:0} 秒"),
    dict(name="conv_wide_no_better_per_cpu",
         says="代码清单 11 的随机数种子 0 继续训练，用不超过通道加倍的 CPU 时间，IS 不低于、FID 不高于通道加倍 8 个轮次的均值",
         condition="conv_wide_matched_cpu_s <= conv_wide_cpu_min_s and conv_wide_matched_is >= conv_wide_is"
                   " and conv_wide_matched_fid <= conv_wide_fid",
         measured="代码清单 11 第 {conv_wide_matched_epoch} 个轮次（{conv_wide_matched_cpu_s:0} 秒）：IS {conv_wide_matched_is:2}，"
                  "FID {conv_wide_matched_fid:1}；通道加倍 8 个轮次：IS 均值 {conv_wide_is:2}，FID 均值 {conv_wide_fid:1}"),
    dict(name="conv_wide_longer_fid_falls",
         says="通道加倍的生成器继续训练，FID 继续下降",
         condition="conv_wide_longer_fid < conv_wide_longer_start_fid",
         measured="通道加倍的 FID：第 {conv_wide_longer_start_epoch} 个轮次 {conv_wide_longer_start_fid:1}，"
                  "第 {conv_wide_longer_epochs} 个轮次 {conv_wide_longer_fid:1}"),
    dict(name="conv_wide_longer_is_short",
         says="通道加倍的生成器继续训练，IS 每 600 秒 CPU 时间提高不到 0.25，也没有达到 8.5",
         condition="not conv_wide_longer_reaches_is and conv_wide_longer_best_is < conv_goal_is"
                   " and 0 < conv_wide_longer_is_per_budget < 0.25",
         measured="通道加倍继续训练到第 {conv_wide_longer_epochs} 个轮次：IS {conv_wide_longer_is:2}，最高 "
                  "{conv_wide_longer_best_is:2}，每 600 秒提高 {conv_wide_longer_is_per_budget:2}"),
    dict(name="conv_longer_classifier_unsure",
         says="加长训练后，分类器对样本仍不如对真实图像有把握",
         condition="conv_longer_confidence < conv_real_confidence - 0.03",
         measured="最大概率的平均值：加长训练 {conv_longer_confidence}，真实测试图像 {conv_real_confidence}"),
    dict(name="conv_cond_reaches_is_in_budget",
         says="条件 GAN 的每个随机数种子都在 600 秒 CPU 时间内达到 IS 8.5",
         condition="conv_cond_is_cpu_max_s <= conv_goal_cpu_s and conv_cond_is_epoch <= conv_cond_epoch"
                   " and conv_cond_seeds_n == conv_seeds_n",
         measured="第 {conv_cond_is_epoch} 个轮次，最多 {conv_cond_is_cpu_max_s:0} 秒"),
    dict(name="conv_cond_d_larger",
         says="投影判别器每个数字的向量使判别器的参数增加了一半以上",
         condition="conv_cond_d_params > 1.5 * conv_d_params",
         measured="代码清单 11 的判别器 {conv_d_params} 个参数，条件 GAN 的 {conv_cond_d_params} 个"),
    dict(name="conv_cond_meets_all_goals",
         says="条件 GAN 在 600 秒内的最后一个轮次达到全部六项目标",
         condition="conv_cond_goal_all and conv_cond_goals_reached == conv_goals_n and conv_cond_seeds_n == conv_seeds_n"
                   " and conv_cond_is >= conv_goal_is and conv_cond_cpu_max_s <= conv_goal_cpu_s",
         measured="第 {conv_cond_epoch} 个轮次：IS {conv_cond_is:2}，FID {conv_cond_fid:1}，最少的数字 "
                  "{conv_cond_min_share:%1}，最多 {conv_cond_cpu_max_s:0} 秒"),
]
