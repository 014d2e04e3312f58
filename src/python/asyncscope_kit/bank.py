"""Exercise `bank_py` (lesson 7): transfers that keep the total constant, still run side by
side when they touch different accounts, and never deadlock. The Rust kit's world: each
account has a balance in a slow ledger (reading is instant, writing takes 0.4u) and its own
lock (taking it costs 0.1u once acquired). A lock protects nothing by itself: a transfer is
safe only if it holds both its accounts' locks from its reads to its writes."""

import asyncio

import asyncscope

from asyncscope_kit import _called_at, _settled, _rec, _run, _sleep, _value, _wait_on

_OPENING_BALANCE = 100
_WRITE_UNITS = 0.4
_LOCK_UNITS = 0.1
# Started all at once: three between A and B, three between C and D.
_TRANSFERS = (
    ("A", "B", 30),
    ("B", "A", 20),
    ("C", "D", 50),
    ("D", "C", 10),
    ("B", "A", 15),
    ("C", "D", 25),
)


class Bank:
    """Four accounts, A to D, each with its own lock."""

    def __init__(self):
        self.__balances = {name: _OPENING_BALANCE for name in "ABCD"}
        self.__locks = {name: _rec._labelled_lock("account %s" % name) for name in "ABCD"}

    def __account(self, account):
        if account not in self.__balances:
            raise KeyError("there is no account %r" % (account,))
        return account

    def balance(self, account):
        """The balance of `account` in the ledger, read at once."""
        balance = self.__balances[self.__account(account)]
        asyncscope.mark("read %s = %d" % (account, balance))
        return balance

    def write(self, account, balance):
        """Write the new balance of `account` to the ledger (a coroutine): it takes 0.4u, and
        the balance is stored at the end."""
        return self.__write(self.__account(account), balance, _called_at())

    async def __write(self, account, balance, at):
        await _wait_on("ledger write %s" % account, at, _sleep(_WRITE_UNITS))
        self.__balances[account] = balance
        asyncscope.mark("wrote %s = %d" % (account, balance))

    def lock(self, account):
        """`async with bank.lock(account):` waits while another transfer holds the account's
        lock, then takes 0.1u to set it up; the lock is released when the block is left."""
        return _AccountLock(self.__locks[self.__account(account)], account)

    def _balances(self):
        return dict(sorted(self.__balances.items()))


class _AccountLock:
    def __init__(self, lock, account):
        self._lock = lock
        self._account = account

    async def __aenter__(self):
        await self._lock.acquire()
        try:
            asyncscope.mark("locked %s" % self._account)
            await _wait_on("taking lock %s" % self._account, None, _sleep(_LOCK_UNITS))
        except BaseException:
            self._lock.release()
            raise
        return self

    async def __aexit__(self, *exc):
        self._lock.release()
        return False


def run(transfer):
    """Drive `async def transfer(bank, from_, to, amount)`: six transfers, each in a task of its
    own, all started at once; then record the balances."""

    async def body():
        bank = Bank()
        expected = bank._balances()
        for source, target, amount in _TRANSFERS:
            expected[source] -= amount
            expected[target] += amount
        _value("expected_balances", expected)
        _value("expected_total", sum(expected.values()))
        names = ["transfer-%d %s→%s" % (i + 1, s, t) for i, (s, t, _) in enumerate(_TRANSFERS)]
        tasks = [
            asyncio.create_task(transfer(bank, s, t, amount), name=name)
            for name, (s, t, amount) in zip(names, _TRANSFERS)
        ]
        for task in tasks:
            await _settled(task)
        balances = bank._balances()
        _value("balances", balances)
        _value("total", sum(balances.values()))

    _run("bank", body, limit_units=20.0)
