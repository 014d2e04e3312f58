"""Wrong: locks the source account, then the destination. A→B and B→A each take their first
lock and wait forever for the other's."""

from asyncscope_kit.bank import run


async def transfer(bank, from_, to, amount):
    async with bank.lock(from_), bank.lock(to):
        from_balance = bank.balance(from_)
        to_balance = bank.balance(to)
        await bank.write(from_, from_balance - amount)
        await bank.write(to, to_balance + amount)


run(transfer)
