/**
 * Continual-learning scores from an accuracy matrix `acc[s][d]` = accuracy on domain d after training stage s
 * (stages in order; a stage is one target domain). Pure.
 *
 * - **forgetting** of domain d (Chaudhry et al. 2018): the best accuracy it had at any stage up to the
 *   second-to-last minus its accuracy after the last stage; averaged over the domains trained before the last stage.
 * - **average accuracy**: the mean over all domains after the last stage.
 */

/** The scores of {@link continualScores}. */
export interface ContinualScores {
  /** Accuracy per domain after the last stage. */
  final: number[];
  /** Mean of `final`. */
  averageAccuracy: number;
  /** Forgetting per domain, `null` for a domain first trained in the last stage (nothing to forget yet). */
  forgetting: (number | null)[];
  /** Mean of the non-null `forgetting` (NaN when all are null). */
  averageForgetting: number;
}

/**
 * Scores from `acc` (`S` stages × `D` domains) and `trainedAt[d]`, the stage at which domain d was first
 * trained (`0` for the source, which is trained from the first stage on).
 */
export function continualScores(acc: readonly (readonly number[])[], trainedAt: readonly number[]): ContinualScores {
  const stages = acc.length;
  if (stages === 0) throw new RangeError('continualScores: the accuracy matrix has no stage');
  const domains = acc[0]!.length;
  if (acc.some((row) => row.length !== domains)) throw new RangeError('continualScores: every stage must score the same domains');
  if (trainedAt.length !== domains)
    throw new RangeError(`continualScores: trainedAt has ${trainedAt.length} entries for ${domains} domains`);
  const last = acc[stages - 1]!;
  const forgetting = trainedAt.map((t, d) => {
    if (t >= stages - 1) return null;
    let best = Number.NEGATIVE_INFINITY;
    for (let s = t; s < stages - 1; s++) best = Math.max(best, acc[s]![d]!);
    return best - last[d]!;
  });
  const known = forgetting.filter((f): f is number => f !== null);
  return {
    final: [...last],
    averageAccuracy: last.reduce((a, b) => a + b, 0) / domains,
    forgetting,
    averageForgetting: known.length === 0 ? Number.NaN : known.reduce((a, b) => a + b, 0) / known.length,
  };
}
