"""Wrong: locks to read, lets go, then locks again to write. Between the two, another transfer
reads the same balances: updates are lost as with no lock at all."""

from asyncscope_kit.bank import run


async def transfer(bank, from_, to, amount):
    first, second = sorted((from_, to))
    async with bank.lock(first), bank.lock(second):
        from_balance, to_balance = bank.balance(from_), bank.balance(to)
    async with bank.lock(first), bank.lock(second):
        await bank.write(from_, from_balance - amount)
        await bank.write(to, to_balance + amount)


run(transfer)
