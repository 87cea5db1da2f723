import { expect } from 'chai';
import { cancelAmount, orderSize, takerSize } from '../../../src/sim/exchange/order-sizes.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/order-sizes', () => {
  it('draws whole contracts, now and then with hundredths, never in legacy (whole-contract) mode', () => {
    const current = { random: new Random(41), wholeContracts: false };
    const legacy = { random: new Random(41), wholeContracts: true };
    const sizes = Array.from({ length: 1000 }, () => orderSize(current, 12.4));
    expect(sizes.every((size) => size >= 1200 && size < 1300)).to.equal(true);
    expect(sizes.some((size) => size % 100 !== 0)).to.equal(true);
    expect(Array.from({ length: 1000 }, () => orderSize(legacy, 0.2)).every((size) => size === 100)).to.equal(true);
    const takers = Array.from({ length: 5000 }, () => takerSize(legacy));
    expect(Math.min(...takers)).to.equal(100);
    expect(Math.max(...takers)).to.be.above(400 * 100);
  });

  it('cancels a part that keeps whole contracts in legacy mode, or the whole order', () => {
    const current = { random: new Random(1), wholeContracts: false };
    const legacy = { random: new Random(1), wholeContracts: true };
    expect(cancelAmount(current, 1050, 333)).to.equal(333);
    expect(cancelAmount(current, 1050, 5000)).to.equal(1050);
    expect(cancelAmount(legacy, 1000, 333)).to.equal(300);
    expect(cancelAmount(legacy, 1000, 50)).to.equal(1000);
  });
});
