"""Wrong: one lock for the whole bank. Correct, but every transfer waits for every other one,
even those on other accounts."""

import asyncio

from asyncscope_kit.bank import run

bank_lock = None


async def transfer(bank, from_, to, amount):
    global bank_lock
    if bank_lock is None:
        bank_lock = asyncio.Lock()
    async with bank_lock:
        from_balance = bank.balance(from_)
        to_balance = bank.balance(to)
        await bank.write(from_, from_balance - amount)
        await bank.write(to, to_balance + amount)


run(transfer)
