"""Exercise `bank_py`: after lesson 07, "Race conditions and locks".

Six transfers run at once: three between accounts A and B, three between C and D. Reading a
balance is instant, but writing one to the ledger takes 0.4u, and other transfers run
meanwhile. Make `transfer` safe: no money may appear or vanish. Each account has its own lock
(`async with bank.lock(account):`; taking it costs 0.1u). Transfers on A/B must still run
beside those on C/D, and no transfer may wait forever.

Check it: `asyncscope check bank_py` (or keep `asyncscope watch` running).
"""

from asyncscope_kit.bank import run


async def transfer(bank, from_, to, amount):
    # TODO: another transfer can change these balances while we wait for our writes, and its
    # update is lost.
    from_balance = bank.balance(from_)
    to_balance = bank.balance(to)
    await bank.write(from_, from_balance - amount)
    await bank.write(to, to_balance + amount)


run(transfer)
