"""Reference solution for `bank_py`."""

from asyncscope_kit.bank import run


async def transfer(bank, from_, to, amount):
    # Both accounts locked, always in the same (alphabetical) order whatever the direction, so
    # two transfers never wait on each other in a circle; held from the reads to the writes.
    first, second = sorted((from_, to))
    async with bank.lock(first), bank.lock(second):
        from_balance = bank.balance(from_)
        to_balance = bank.balance(to)
        await bank.write(from_, from_balance - amount)
        await bank.write(to, to_balance + amount)


run(transfer)
