// What a batch of solve results cost, as the search benchmarks report it: network steps per input
// (median, p99), and for a search its branch points (median, p99, mean), dead ends, the network's
// eliminations and fallbacks (means).
const quantile = (values, share) => values.toSorted((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))];
const mean = (results, value) => Number((results.reduce((sum, result) => sum + value(result), 0) / results.length).toFixed(2));

export function searchCosts(results, { searched }) {
  const steps = results.map((result) => result.cost.sampleSteps);
  const branches = results.map((result) => result.cost.branches);
  return {
    networkStepsMedian: quantile(steps, 0.5),
    networkStepsP99: quantile(steps, 0.99),
    ...(searched
      ? {
          branchesMedian: quantile(branches, 0.5),
          branchesP99: quantile(branches, 0.99),
          branchesMean: mean(results, (result) => result.cost.branches),
          deadEndsMean: mean(results, (result) => result.cost.deadEnds),
          eliminationsMean: mean(results, (result) => result.cost.eliminations ?? 0),
          fallbacksMean: mean(results, (result) => result.cost.fallbacks ?? 0),
        }
      : {}),
  };
}
