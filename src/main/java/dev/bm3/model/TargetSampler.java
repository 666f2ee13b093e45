package dev.bm3.model;

import dev.bm3.kernels.Kernels;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Draws a step's dropout {@link Targets} from the online matrices. */
interface TargetSampler {
    /**
     * @param hu         H_U: every user's row, or only some users' (then {@code userRows} is set)
     * @param hi         H_I: every item's row, or only some items' (then {@code itemRows} is set)
     * @param userRows   null when {@code hu} holds every user; else the user id of each of its
     *                   rows (int64), so a sampler can key its draw by user
     * @param itemRows   the same for {@code hi}
     * @param latents    the modality latents z_m: every item's, or (fast mode) only some items'
     * @param latentRows null when {@code latents} hold every item; else the item id of each of
     *                   their rows (int64), so a sampler can key its draw by item
     */
    Targets draw(Tensor hu, Tensor hi, Tensor userRows, Tensor itemRows, List<Tensor> latents, Tensor latentRows,
                 double p);

    /**
     * LibTorch's {@code dropout} on the FULL matrices (the reference's composite), drawn from
     * LibTorch's default generator in the reference's order: users, items, then each modality.
     * On partial matrices (fast mode's latents) it draws over their rows only: the same
     * distribution, not the same numbers as a full draw.
     */
    TargetSampler TORCH = (hu, hi, userRows, itemRows, latents, latentRows, p) -> {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor tu = torch.dropout(hu.detach(), p, true);
            Tensor ti = torch.dropout(hi.detach(), p, true);
            List<Tensor> tm = new ArrayList<>();
            for (Tensor z : latents) {
                tm.add(torch.dropout(z.detach(), p, true));
            }
            return new Materialized(tu, ti, tm);
        }
    };

    /** Full target matrices, gathered by {@code index_select}. */
    record Materialized(Tensor users, Tensor items, List<Tensor> modalities) implements Targets {
        @Override
        public Tensor users(Tensor index) {
            return users.index_select(0, index);
        }

        @Override
        public Tensor items(Tensor index) {
            return items.index_select(0, index);
        }

        @Override
        public Tensor modality(int m, Tensor index) {
            return modalities.get(m).index_select(0, index);
        }
    }

    /**
     * The native counter-based draw: the mask of element (r, c) of matrix k at step s is a hash of
     * (seed, s, k, r, c), so the full-matrix draw is evaluated only at the gathered rows (a few
     * thousand instead of the whole catalogue) and duplicate rows share their mask, exactly as
     * gathering from a materialised dropout. Deterministic for a seed and step. Partial matrices
     * (the batch's rows of H, fast mode's latents) are keyed by user or item id, so they draw
     * exactly the full matrices' masks.
     */
    final class Native implements TargetSampler {
        private final long seed;
        private long step;

        Native(long seed) {
            this.seed = seed;
        }

        /** The number of draws so far (part of the training state). */
        long step() {
            return step;
        }

        void setStep(long step) {
            this.step = step;
        }

        @Override
        public Targets draw(Tensor hu, Tensor hi, Tensor userRows, Tensor itemRows, List<Tensor> latents,
                            Tensor latentRows, double p) {
            long base = mix(seed ^ mix(++step));
            Tensor u = hu.detach();
            Tensor i = hi.detach().contiguous();
            List<Tensor> z = new ArrayList<>();
            for (Tensor l : latents) {
                z.add(l.detach());
            }
            return new Targets() {
                @Override
                public Tensor users(Tensor index) {
                    return Kernels.dropoutGather(u, index, userRows, p, mix(base + 1));
                }

                @Override
                public Tensor items(Tensor index) {
                    return Kernels.dropoutGather(i, index, itemRows, p, mix(base + 2));
                }

                @Override
                public Tensor modality(int m, Tensor index) {
                    return Kernels.dropoutGather(z.get(m), index, latentRows, p, mix(base + 3 + m));
                }
            };
        }

        /** splitmix64's finaliser: decorrelates nearby seeds and steps. */
        static long mix(long x) {
            x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
            x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
            return x ^ (x >>> 31);
        }
    }
}
