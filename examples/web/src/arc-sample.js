// A made-up task (not from any ARC set), shown when the page opens: each row is mirrored left to right.
export function sampleArcTask() {
  const rows = (seed, height, width) => Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) => ((seed + r * 3 + c * c) % 5 === 0 ? 1 + ((seed + r + c) % 8) : 0)));
  const mirror = (grid) => grid.map((row) => [...row].reverse());
  const inputs = [rows(1, 3, 4), rows(2, 4, 4), rows(3, 3, 5), rows(4, 4, 5)];
  return { name: 'sample-mirror', task: { train: inputs.slice(0, 3).map((input) => ({ input, output: mirror(input) })), test: [{ input: inputs[3], output: mirror(inputs[3]) }] } };
}
