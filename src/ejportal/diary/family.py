"""The students of the user's family, as the diary's pages, its API and its menu link
them."""
from ejportal.diary import model
from ejportal.site.resources import get_portal


def my_children(request):
    """(id, short name) of the students of the user's family, from the family index, once
    per request (the links only; every diary checks its own ACL)."""
    user = request.user
    if user is None:
        return []
    cache = request.__dict__
    if '_diary_children' not in cache:
        school = get_portal(request)['journal']
        cache['_diary_children'] = [(s.__name__, s.short_name)
                                    for s in model.family_students(school, user.__name__)]
    return cache['_diary_children']
