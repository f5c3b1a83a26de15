/**
 * How results are compared: the best-first {@link dev.autost.domain.evaluation.Ranking}, Pareto
 * fronts ({@link dev.autost.domain.evaluation.ParetoFront}) and rank correlations with bootstrap
 * intervals ({@link dev.autost.domain.evaluation.RankCorrelation}). Generic over the item type, so
 * the search (trials), the evaluator and API (scores on the wire) and the CLI share them.
 */
package dev.autost.domain.evaluation;
