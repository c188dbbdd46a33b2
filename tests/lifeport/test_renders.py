import multiprocessing

from lifeport.lib.renders import memory_limit

MB = 1024 * 1024


def _allocate_inside_and_after(queue) -> None:
    try:
        with memory_limit(64 * MB, enabled=True):
            bytearray(512 * MB)
        queue.put("allocated inside")
    except MemoryError:
        bytearray(256 * MB)  # the cap is lifted afterwards
        queue.put("refused inside, fine after")


def test_a_render_gets_a_memory_cap_that_is_lifted_afterwards():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_allocate_inside_and_after, args=(queue,))
    child.start()
    child.join(30)
    assert queue.get(timeout=5) == "refused inside, fine after"


def test_outside_a_pool_child_nothing_is_capped():
    with memory_limit(1, enabled=None):  # the test process is not a Celery pool child
        assert len(bytearray(64 * MB)) == 64 * MB
