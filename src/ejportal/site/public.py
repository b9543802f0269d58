"""The public school site: areas add sections to the front page here (published local
acts, public orders). Nothing else is reachable anonymously."""

PUBLIC_SECTIONS = []  # (order, function(request) -> dict(title, items))


def add_public_section(order, function):
    if (order, function) not in PUBLIC_SECTIONS:
        PUBLIC_SECTIONS.append((order, function))
        PUBLIC_SECTIONS.sort(key=lambda e: e[0])


def public_sections(request):
    return [s for s in (function(request) for _o, function in PUBLIC_SECTIONS) if s]
