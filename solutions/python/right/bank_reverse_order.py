"""A correct alternative for `bank_py`: both locks in one global order, taken the other way
round (the later account first); any fixed order prevents the circle."""

from asyncscope_kit.bank import run


async def transfer(bank, from_, to, amount):
    first, second = max(from_, to), min(from_, to)
    async with bank.lock(first):
        async with bank.lock(second):
            balances = bank.balance(from_), bank.balance(to)
            await bank.write(from_, balances[0] - amount)
            await bank.write(to, balances[1] + amount)


run(transfer)
