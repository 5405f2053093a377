"""The newsroom's roles as Django groups, and the permissions each one holds.

The data migrations call `sync_roles`, so every database gets the same groups with
exactly these permissions; a later migration that changes a role calls it again.
"""

JOURNALISTS = "Journalists"  # write, and edit their own articles until published
EDITORS = "Editors"  # everything on content: publish, schedule, unpublish, reassign, front page
MODERATORS = "Moderators"

ROLE_PERMISSIONS = {
    JOURNALISTS: {
        "articles": {
            # Only their own articles, and only while not published (articles/admin/articles.py).
            "article": ["add", "change", "view"],
            "image": ["add", "change", "view"],
            "section": ["view"],
            "author": ["view"],
        },
        "taggit": {"tag": ["add", "view"]},
    },
    EDITORS: {
        "articles": {
            "article": ["add", "change", "delete", "view", "publish", "edit_any"],
            "correction": ["add", "change", "delete", "view"],
            "image": ["add", "change", "delete", "view"],
            "section": ["add", "change", "delete", "view"],
            "author": ["add", "change", "delete", "view"],
            "adslot": ["add", "change", "delete", "view"],
            "articleslugredirect": ["view", "delete"],
            # The front page: the lead story, featured stories, section blocks.
            "frontpageblock": ["add", "change", "delete", "view"],
            "frontpagechoice": ["add", "change", "delete", "view"],
        },
        "taggit": {"tag": ["add", "change", "delete", "view"]},
    },
    MODERATORS: {
        # Comments only; "can_moderate" gates the approve / reject / spam actions,
        # "can_reply_as_newsroom" the replies marked « Newsroom » (comments.newsroom).
        "comments": {
            "comment": ["view", "change", "delete", "can_moderate", "can_reply_as_newsroom"],
            # Trusted commenters (revoke) and stories under pre-moderation (switch back).
            "trustedcommenter": ["view", "change"],
            "storyheat": ["view", "change"],
        },
    },
}


def _declared_codenames(apps, app_label, model, actions):
    """The codenames of `actions` that the model declares at this migration state.

    An earlier migration runs against the models as they were then: a model or a
    custom permission added later is skipped here and granted by the later migration
    that calls `sync_roles` again (tests check the final groups, so typos still fail).
    """
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        return []
    opts = model_class._meta
    declared = {f"{action}_{opts.model_name}" for action in opts.default_permissions}
    declared |= {codename for codename, _name in opts.permissions}
    # "publish" means "publish_article"; a custom permission may also be named in full
    # ("can_moderate").
    codenames = []
    for action in actions:
        for codename in (f"{action}_{opts.model_name}", action):
            if codename in declared:
                codenames.append(codename)
                break
    return codenames


def sync_roles(apps, schema_editor=None):
    """Create the groups and give each exactly the permissions listed above."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = _declared_codenames(apps, app_label, model, actions)
                found = list(
                    Permission.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename__in=codenames,
                    )
                )
                if len(found) != len(codenames):
                    missing = set(codenames) - {p.codename for p in found}
                    raise RuntimeError(f"{role}: unknown permissions {sorted(missing)}")
                permissions.extend(found)
        group.permissions.set(permissions)
