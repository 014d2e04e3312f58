"""Wrong: every line is kept, but the sources are fetched one after another."""

from asyncscope_kit.dashboard import SourceError, fetch, run


async def dashboard(sources):
    lines = []
    for source in sources:
        try:
            lines.append(await fetch(source))
        except SourceError as error:
            lines.append(str(error))
    return lines


run(dashboard)
