// For the tests: an independent check of a 6x6 Latin-square completion (no code shared with the task).

/** Every row and column a permutation of 1-6, and every given of `question` kept. */
export function rowsAndColumnsHold(question, answer) {
  if (!/^[1-6]{36}$/.test(answer)) return false;
  for (let index = 0; index < 36; index++) if (question[index] !== '.' && question[index] !== answer[index]) return false;
  const lines = [];
  for (let line = 0; line < 6; line++) {
    lines.push(answer.slice(line * 6, line * 6 + 6));
    lines.push(Array.from({ length: 6 }, (_, row) => answer[row * 6 + line]).join(''));
  }
  return lines.every((text) => [...text].sort().join('') === '123456');
}
