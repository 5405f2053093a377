"""The newsroom's roles as Django groups, and the permissions each one holds.

The data migrations call `sync_roles`, so every database gets the same groups with
exactly these permissions; a later migration that changes a role calls it again.
"""

JOURNALISTS = "Journalists"
EDITORS = "Editors"
MODERATORS = "Moderators"

ROLE_PERMISSIONS = {
    JOURNALISTS: {
        "articles": {
            "article": ["add", "change", "view"],
            "image": ["add", "change", "view"],
            "category": ["view"],
            "author": ["view"],
        },
        "taggit": {"tag": ["add", "view"]},
    },
    EDITORS: {
        "articles": {
            "article": ["add", "change", "delete", "view"],
            "image": ["add", "change", "delete", "view"],
            "category": ["add", "change", "delete", "view"],
            "author": ["add", "change", "delete", "view"],
            "adslot": ["add", "change", "delete", "view"],
            "articleslugredirect": ["view", "delete"],
        },
        "taggit": {"tag": ["add", "change", "delete", "view"]},
    },
    MODERATORS: {
        # Comments only; "can_moderate" gates the approve / reject / spam actions.
        "comments": {"comment": ["view", "change", "delete", "can_moderate"]},
    },
}


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
            if not any(config.label == app_label for config in apps.get_app_configs()):
                # That app's tables come in a later migration, which syncs the roles again.
                continue
            for model, actions in models.items():
                # "view" means "view_<model>"; a custom permission is named in full.
                codenames = [action if "_" in action else f"{action}_{model}" for action in actions]
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
