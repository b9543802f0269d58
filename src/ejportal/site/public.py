"""The public school site: areas add sections to the front page
(``config.add_public_section``: published local acts, public orders). Nothing else is
reachable anonymously."""
from ejportal.core.registry import portal_registry


def public_sections(request):
    reg = portal_registry(request.registry)
    return [s for s in (function(request) for function in reg.values(reg.public_sections)) if s]
