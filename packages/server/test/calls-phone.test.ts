import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../src/calls/phone.js';

describe('normalisePhone', () => {
  it.each([
    ['0812-3456-7890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['+62 (0)812 3456 7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['62 812-3456-7890', '+6281234567890'],
    ['812-3456-7890', '+6281234567890'],
    ['0062 812 3456 7890', '+6281234567890'],
    ['＋６２８１２３４５６７８９０', '+6281234567890'],
    ['(031) 8912345', '+62318912345'],
    ['62318912345', '+62318912345'],
    ['0857 1234 5678', '+6285712345678'],
    ['+1 650 253 0000', '+16502530000'],
  ])('%s → %s', (given, e164) => {
    expect(normalisePhone(given)).toEqual({ raw: given.trim(), e164, valid: true });
  });

  it.each([
    ['garbage'],
    ['112'],
    ['08123'],
    ['0812345678901234'],
    ['anonymous'],
    ['+'],
    ['   '],
    ['<script>alert(1)</script>'],
    ['9'.repeat(40)],
    ['x'.repeat(10_000)],
    ['\ud83d\ude92🚒'],
  ])('%j is kept, invalid', (given) => {
    expect(normalisePhone(given)).toEqual({ raw: given.trim(), e164: null, valid: false });
  });
});
