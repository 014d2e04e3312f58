"""Wrong: returns lines written by hand instead of fetching the sources (a hard-coded answer):
whatever the text, nothing was fetched."""

from asyncscope_kit.dashboard import run


async def dashboard(sources):
    return ["%s: ok" % source for source in sources]


run(dashboard)
