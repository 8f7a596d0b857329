import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance } from '../../server/src/model/similar.js';

test('edit distance counts insertions, deletions, substitutions and swaps', () => {
  assert.equal(editDistance('net', 'net'), 0);
  assert.equal(editDistance('nett', 'net'), 1);
  assert.equal(editDistance('adma', 'adam'), 1); // a swap of neighbours
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3); // stops early past the limit
});

test('did-you-mean picks the closest plausible candidate', () => {
  assert.equal(didYouMean('nett', ['train', 'net', 'valid']), 'net');
  assert.equal(didYouMean('momentun', ['lr', 'momentum', 'nesterov', 'decay']), 'momentum');
  assert.equal(didYouMean('Net', ['nets', 'net']), 'net'); // case-only differences win
  assert.equal(didYouMean('lable', ['alcohol', 'label']), 'label');
});

test('did-you-mean stays silent for unrelated names', () => {
  assert.equal(didYouMean('zzz', ['net', 'train']), undefined);
  assert.equal(didYouMean('ash_content', ['alcohol', 'ash', 'hue']), undefined);
  assert.equal(didYouMean('x', ['y']), undefined); // one letter is never "a typo of" another
  assert.equal(didYouMean('net', ['net']), undefined); // the name itself is no suggestion
});
