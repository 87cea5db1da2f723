/**
 * Each account's cash, in e4 (ten-thousandths of a dollar, the precision Kalshi keeps a
 * balance in), and what its resting orders hold of it. An account appears with the
 * starting balance the first time it is seen. Available = cash - held.
 */
export interface AccountCash {
  cashE4: number;
  heldE4: number;
}

export class Accounts {
  private readonly accounts = new Map<string, AccountCash>();

  constructor(private readonly startingBalanceE4: number) {
    if (!Number.isSafeInteger(startingBalanceE4) || startingBalanceE4 < 0) {
      throw new RangeError(`starting balance must be a non-negative integer, got ${startingBalanceE4}`);
    }
  }

  get(keyId: string): AccountCash {
    let account = this.accounts.get(keyId);
    if (!account) {
      account = { cashE4: this.startingBalanceE4, heldE4: 0 };
      this.accounts.set(keyId, account);
    }
    return account;
  }

  availableE4(keyId: string): number {
    const account = this.get(keyId);
    return account.cashE4 - account.heldE4;
  }

  /** Overwrites an account's cash (test hook). */
  setCash(keyId: string, cashE4: number): void {
    if (!Number.isSafeInteger(cashE4)) throw new RangeError(`cash must be an integer of e4, got ${cashE4}`);
    this.get(keyId).cashE4 = cashE4;
  }
}
