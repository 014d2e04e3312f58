"""What the lessons' asyncio files import to label their timelines.

Under asyncscope (`asyncscope lesson NN --python`, `y` on the lesson screen, `asyncscope py`)
these are asyncscope's own: `mark(text)` puts a labelled moment on the running task's lane and
`value(key, v)` keeps a result in the trace. With plain `python3` they do nothing, so every file
also runs as it is.
"""

try:
    from asyncscope import mark, value
except ImportError:  # plain python3: nothing is recorded

    def mark(text):
        pass

    def value(key, v):
        pass
