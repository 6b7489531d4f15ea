import * as tf from '@tensorflow/tfjs';

/**
 * Stable-max cross-entropy (s(x) = x + 1 for x >= 0, 1 / (1 - x) otherwise), per sequence mean.
 * The negative branch uses min(x, 0) so the branch `where` discards never has an infinite
 * gradient (which would turn into NaN).
 */
export function stableMaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, vocabularySize: number): tf.Tensor {
  const s = tf.where(tf.greaterEqual(logits, 0), tf.add(logits, 1), tf.div(1, tf.sub(1, tf.minimum(logits, 0))));
  const logProbabilities = tf.sub(tf.log(s), tf.log(tf.sum(s, -1, true)));
  const target = tf.cast(tf.oneHot(tf.reshape(labels, [-1]) as tf.Tensor1D, vocabularySize), 'float32').reshape(logits.shape);
  const perToken = tf.neg(tf.sum(tf.mul(target, logProbabilities), -1));
  return tf.mean(perToken, -1);
}

/** Binary cross-entropy with logits, elementwise. */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
}
