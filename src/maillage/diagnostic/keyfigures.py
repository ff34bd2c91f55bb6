"""Editing a key-figure table as one grid: its columns (territories), its rows (indicators) and every
cell in one form, saved in one transaction or not at all.

The form holds the whole table, so a save rewrites the cells from it (two queries whatever the size)
rather than comparing them one by one. It carries a fingerprint of the table as it was read: of two
people saving the same table, the second one is refused instead of silently undoing the first."""

import hashlib

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.french import normalise
from maillage.territories.models import Territory

from .models import KeyFigureColumn, KeyFigureRow, KeyFigureTable, KeyFigureValue

# Blank columns and rows offered under the table's own: enough for a table typed in one go, the page
# offers more after each save.
NEW_COLUMNS = 2
NEW_ROWS = 3
CELL_MAX = KeyFigureValue._meta.get_field("value").max_length


def column_territories(project) -> list[Territory]:
    """The territories a column may compare: the project's own, its territory and the territories it is
    made of, those of its actions and those its tables already compare (a métropole, the country…)."""
    used = KeyFigureColumn.objects.filter(table__project=project).values("territory_id")
    wanted = Q(project=project) | Q(actions__project=project) | Q(pk__in=used)
    if project.territory_id:
        wanted |= Q(pk=project.territory_id) | Q(perimeters=project.territory_id)
    return list(Territory.objects.filter(wanted).distinct().order_by("name", "pk"))


def _fingerprint(columns, rows, values) -> str:
    state = (
        [(c.pk, c.territory_id, c.position) for c in columns],
        [(r.pk, r.indicator, r.unit, r.position) for r in rows],
        sorted((v.row_id, v.column_id, v.value) for v in values),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


class KeyFigureGridForm(forms.Form):
    """The table's grid. Fields are named by column and row keys: a pk for what exists, ``n1``, ``n2``…
    for the blank ones; ``cell-<row>-<column>`` for a cell."""

    stamp = forms.CharField(widget=forms.HiddenInput, required=False)  # missing: as stale as a wrong one
    error_css_class = "fr-input-group--error"

    def __init__(self, data=None, *, table: KeyFigureTable, territories: list[Territory]):
        super().__init__(data)
        self.table = table
        self.columns = list(KeyFigureColumn.objects.filter(table=table).select_related("territory"))
        self.rows = list(KeyFigureRow.objects.filter(table=table))
        values = list(KeyFigureValue.objects.filter(row__table=table))
        self.current_stamp = _fingerprint(self.columns, self.rows, values)
        self.fields["stamp"].initial = self.current_stamp
        self.territories = {str(t.pk): t for t in territories}
        for column in self.columns:  # a column's territory is always among the choices
            self.territories.setdefault(str(column.territory_id), column.territory)
        choices = [("", "—"), *((key, str(t)) for key, t in self.territories.items())]
        self.column_keys = [str(c.pk) for c in self.columns] + [f"n{i}" for i in range(1, NEW_COLUMNS + 1)]
        self.row_keys = [str(r.pk) for r in self.rows] + [f"n{i}" for i in range(1, NEW_ROWS + 1)]
        existing_columns = {str(c.pk): c for c in self.columns}
        for number, key in enumerate(self.column_keys, start=1):
            column = existing_columns.get(key)
            label = _("Territoire de la colonne %(n)s") % {"n": number}
            self.fields[f"col-{key}-territory"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(column.territory_id) if column else "",
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
            if column:
                self.fields[f"col-{key}-delete"] = forms.BooleanField(
                    label=_("Supprimer la colonne %(n)s") % {"n": number}, required=False
                )
            else:
                self.fields[f"col-{key}-name"] = forms.CharField(
                    label=_("ou nouveau territoire, colonne %(n)s") % {"n": number},
                    max_length=Territory._meta.get_field("name").max_length,
                    required=False,
                    widget=forms.TextInput(attrs={"class": "fr-input", "placeholder": _("Nouveau territoire")}),
                )
        cells = {(str(v.row_id), str(v.column_id)): v.value for v in values}
        existing_rows = {str(r.pk): r for r in self.rows}
        for number, row_key in enumerate(self.row_keys, start=1):
            row = existing_rows.get(row_key)
            self.fields[f"row-{row_key}-indicator"] = forms.CharField(
                label=_("Indicateur de la ligne %(n)s") % {"n": number},
                max_length=KeyFigureRow._meta.get_field("indicator").max_length,
                required=False,
                initial=row.indicator if row else "",
                widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
            )
            self.fields[f"row-{row_key}-unit"] = forms.CharField(
                label=_("Unité de la ligne %(n)s") % {"n": number},
                max_length=KeyFigureRow._meta.get_field("unit").max_length,
                required=False,
                initial=row.unit if row else "",
                widget=forms.TextInput(attrs={"class": "fr-input"}),
            )
            if row:
                self.fields[f"row-{row_key}-delete"] = forms.BooleanField(
                    label=_("Supprimer la ligne %(n)s") % {"n": number}, required=False
                )
            for column_number, column_key in enumerate(self.column_keys, start=1):
                self.fields[f"cell-{row_key}-{column_key}"] = forms.CharField(
                    label=_("Ligne %(row)s, colonne %(column)s") % {"row": number, "column": column_number},
                    max_length=CELL_MAX,
                    required=False,
                    initial=cells.get((row_key, column_key), ""),
                    widget=forms.TextInput(attrs={"class": "fr-input"}),
                )

    # --- what the template draws --------------------------------------------------------------------

    def header(self):
        """Per column: its territory field and its delete box (an existing one) or its new-name field."""
        return [
            (self[f"col-{key}-territory"], self[f"col-{key}-delete" if key.isdigit() else f"col-{key}-name"])
            for key in self.column_keys
        ]

    def body(self):
        """Per row: its indicator, unit and delete box (None for a blank row), then its cells."""
        return [
            (
                self[f"row-{key}-indicator"],
                self[f"row-{key}-unit"],
                self[f"row-{key}-delete"] if key.isdigit() else None,
                [self[f"cell-{key}-{column}"] for column in self.column_keys],
            )
            for key in self.row_keys
        ]

    # --- checking -----------------------------------------------------------------------------------

    def _cells_of_row(self, row_key):
        return [self.cleaned_data.get(f"cell-{row_key}-{c}", "").strip() for c in self.column_keys]

    def _cells_of_column(self, column_key):
        return [self.cleaned_data.get(f"cell-{r}-{column_key}", "").strip() for r in self.row_keys]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stamp") != self.current_stamp:
            raise forms.ValidationError(
                _(
                    "Ce tableau a été enregistré par quelqu’un d’autre depuis que vous l’avez ouvert. "
                    "Rien n’est enregistré : rechargez la page pour voir sa version, puis refaites vos changements."
                )
            )
        self.kept_columns, self.deleted_columns, seen = [], [], {}
        by_name = {normalise(t.name): t for t in self.territories.values()}
        for key in self.column_keys:
            field = f"col-{key}-territory"
            existing = key.isdigit()
            if existing and cleaned.get(f"col-{key}-delete"):
                self.deleted_columns.append(int(key))
                continue
            territory = self.territories.get(cleaned.get(field) or "")
            name = "" if existing else (cleaned.get(f"col-{key}-name") or "").strip()
            if not existing and territory is None and not name and not any(self._cells_of_column(key)):
                continue  # a blank column left blank
            if territory and name:
                self.add_error(field, _("Choisissez un territoire ou nommez-en un nouveau, pas les deux."))
                continue
            if territory is None and name:
                territory = by_name.get(normalise(name)) or Territory(
                    kind=Territory.Kind.OTHER, name=name, project=self.table.project
                )
            if territory is None:
                self.add_error(
                    field,
                    _("Choisissez le territoire de la colonne, ou cochez « Supprimer la colonne ».")
                    if existing
                    else _("Cette nouvelle colonne a des valeurs : choisissez ou nommez son territoire."),
                )
                continue
            same = territory.pk or normalise(territory.name)
            if same in seen:
                self.add_error(field, _("« %(name)s » a déjà sa colonne dans ce tableau.") % {"name": territory.name})
                continue
            seen[same] = key
            self.kept_columns.append((key, territory))
        self.kept_rows, self.deleted_rows = [], []
        for key in self.row_keys:
            existing = key.isdigit()
            if existing and cleaned.get(f"row-{key}-delete"):
                self.deleted_rows.append(int(key))
                continue
            indicator = (cleaned.get(f"row-{key}-indicator") or "").strip()
            unit = (cleaned.get(f"row-{key}-unit") or "").strip()
            if not indicator:
                if existing:
                    self.add_error(
                        f"row-{key}-indicator",
                        _("Nommez l’indicateur de la ligne, ou cochez « Supprimer la ligne »."),
                    )
                elif unit or any(self._cells_of_row(key)):
                    self.add_error(
                        f"row-{key}-indicator", _("Cette nouvelle ligne a des valeurs : nommez son indicateur.")
                    )
                continue
            self.kept_rows.append((key, indicator, unit))
        return cleaned

    # --- saving -------------------------------------------------------------------------------------

    def save(self):
        """Write the grid: to be called inside the transaction that read the table (the view's)."""
        table = self.table
        KeyFigureColumn.objects.filter(table=table, pk__in=self.deleted_columns).delete()
        KeyFigureRow.objects.filter(table=table, pk__in=self.deleted_rows).delete()
        # A column whose territory changes is made again: two columns swapping their territories would
        # otherwise meet the one-column-per-territory rule halfway. Its cells are written again below.
        existing = {str(c.pk): c for c in self.columns}
        changed = [
            int(key)
            for key, territory in self.kept_columns
            if key in existing and existing[key].territory_id != territory.pk
        ]
        KeyFigureColumn.objects.filter(table=table, pk__in=changed).delete()
        new_territories = [t for _key, t in self.kept_columns if t.pk is None]
        Territory.objects.bulk_create(new_territories)
        columns, moved, created = {}, [], []
        for position, (key, territory) in enumerate(self.kept_columns):
            column = existing.get(key)
            if column is not None and column.pk not in changed:
                if column.position != position:
                    column.position = position
                    moved.append(column)
            else:
                column = KeyFigureColumn(table=table, territory=territory, position=position)
                created.append(column)
            columns[key] = column
        KeyFigureColumn.objects.bulk_update(moved, ["position"])
        KeyFigureColumn.objects.bulk_create(created)
        rows_by_key = {str(r.pk): r for r in self.rows}
        rows, updated, new_rows = {}, [], []
        for position, (key, indicator, unit) in enumerate(self.kept_rows):
            row = rows_by_key.get(key)
            if row is None:
                row = KeyFigureRow(table=table, indicator=indicator, unit=unit, position=position)
                new_rows.append(row)
            elif (row.indicator, row.unit, row.position) != (indicator, unit, position):
                row.indicator, row.unit, row.position = indicator, unit, position
                updated.append(row)
            rows[key] = row
        KeyFigureRow.objects.bulk_update(updated, ["indicator", "unit", "position"])
        KeyFigureRow.objects.bulk_create(new_rows)
        KeyFigureValue.objects.filter(row__table=table).delete()
        KeyFigureValue.objects.bulk_create(
            KeyFigureValue(row=row, column=column, value=value)
            for row_key, row in rows.items()
            for column_key, column in columns.items()
            if (value := self.cleaned_data.get(f"cell-{row_key}-{column_key}", "").strip())
        )


GRID_REFUSED = gettext_lazy("Le tableau n’est pas enregistré : corrigez les cases signalées ci-dessous.")
