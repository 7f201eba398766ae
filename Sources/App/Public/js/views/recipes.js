// Recipes: named lists of ingredients and grams. A recipe runs on a device
// from the device page (views/recipe-run.js): each ingredient goes to the
// frasco whose ingredient has that name.

import { formatMg, parseGramsToMg, mgToGramsInput } from '../core/format.js';
import { h, icon, mount, clearErrors, showErrors, showApiError, formErrorBox, errorText } from '../ui/dom.js';
import { confirmDialog } from '../ui/dialog.js';

export async function renderRecipes(ctx, route, main) {
  const { t } = ctx;
  const list = h('ul', { class: 'job-list', id: 'recipe-list', 'data-testid': 'recipe-list' });
  const editor = h('section', { class: 'card', id: 'recipe-editor', 'data-testid': 'recipe-editor' });
  mount(main,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('recipes.title'))),
    editor, list);

  async function load() {
    try {
      const recipes = await ctx.api.listRecipes();
      mount(list, recipes.length ? recipes.map(recipeRow) : h('li', { class: 'empty muted' }, t('recipes.empty')));
    } catch (err) {
      mount(list, h('li', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)));
    }
  }

  function recipeRow(r) {
    return h('li', { class: 'job-row', 'data-testid': `recipe-${r.id}` },
      h('div', { class: 'job-main' }, h('strong', { 'data-testid': `recipe-${r.id}-name` }, r.name)),
      h('div', { class: 'job-meta muted' },
        r.items.map((it) => h('span', {}, `${it.ingredient} ${formatMg(it.amount_mg, ctx.i18n.lang)}`))),
      h('div', { class: 'job-actions' },
        h('button', { type: 'button', class: 'btn small', 'data-testid': `recipe-${r.id}-edit`, onclick: () => edit(r) }, t('frasco.edit')),
        h('button', {
          type: 'button', class: 'btn small danger', 'data-testid': `recipe-${r.id}-delete`,
          onclick: async () => {
            const ok = await confirmDialog({ t, title: t('recipes.delete'), text: t('recipes.deleteConfirm', { name: r.name }), confirmLabel: t('recipes.delete'), testid: 'recipe-delete-confirm', danger: true });
            if (!ok) return;
            try { await ctx.api.deleteRecipe(r.id); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
            load();
          },
        }, t('recipes.delete'))));
  }

  function edit(recipe) {
    let rows = recipe ? recipe.items.map((it) => ({ ingredient: it.ingredient, grams: mgToGramsInput(it.amount_mg) })) : [{ ingredient: '', grams: '' }];
    const nameInput = h('input', { id: 'recipe-name', 'data-testid': 'recipe-name', 'data-field': 'name', value: recipe?.name ?? '', 'aria-describedby': 'recipe-name-error' });
    const rowsEl = h('ol', { class: 'job-items', id: 'recipe-items' });
    const sync = () => {
      rows = rows.map((r, i) => ({
        ingredient: form.querySelector(`#recipe-item-${i}-ingredient`)?.value ?? r.ingredient,
        grams: form.querySelector(`#recipe-item-${i}-grams`)?.value ?? r.grams,
      }));
    };
    const renderRows = () => mount(rowsEl, rows.map((r, i) => h('li', { class: 'job-item' },
      h('div', { class: 'field' },
        h('label', { for: `recipe-item-${i}-ingredient` }, t('recipes.ingredient', { n: i + 1 })),
        h('input', { id: `recipe-item-${i}-ingredient`, 'data-testid': `recipe-item-${i}-ingredient`, 'data-field': `items[${i}].ingredient`, value: r.ingredient, 'aria-describedby': `recipe-item-${i}-ingredient-error` }),
        h('small', { class: 'field-error', id: `recipe-item-${i}-ingredient-error` })),
      h('div', { class: 'field' },
        h('label', { for: `recipe-item-${i}-grams` }, t('jobForm.grams')),
        h('input', { id: `recipe-item-${i}-grams`, 'data-testid': `recipe-item-${i}-grams`, 'data-field': `items[${i}].amount_mg`, inputmode: 'decimal', value: r.grams, 'aria-describedby': `recipe-item-${i}-grams-error` }),
        h('small', { class: 'field-error', id: `recipe-item-${i}-grams-error` })),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('jobForm.removeItem', { n: i + 1 }), disabled: rows.length === 1, onclick: () => { sync(); rows.splice(i, 1); renderRows(); } }, icon('trash')))));
    const form = h('form', { class: 'form', id: 'recipe-form', 'data-testid': 'recipe-form', novalidate: true },
      formErrorBox('recipe-form-error'),
      h('div', { class: 'field' }, h('label', { for: 'recipe-name' }, t('recipes.name')), nameInput, h('small', { class: 'field-error', id: 'recipe-name-error' })),
      rowsEl,
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn', id: 'recipe-add-item', 'data-testid': 'recipe-add-item', onclick: () => { sync(); rows.push({ ingredient: '', grams: '' }); renderRows(); } }, icon('plus'), t('jobForm.addItem'))),
      h('div', { class: 'actions' },
        recipe ? h('button', { type: 'button', class: 'btn', onclick: () => edit(null) }, t('action.cancel')) : null,
        h('button', { type: 'submit', class: 'btn primary', id: 'recipe-save', 'data-testid': 'recipe-save' }, t('action.save'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      sync();
      const fields = {};
      const items = rows.map((r, i) => {
        const mg = parseGramsToMg(r.grams);
        if (mg == null || mg <= 0) fields[`items[${i}].amount_mg`] = t('validation.amountPositive');
        return { ingredient: r.ingredient.trim(), amount_mg: mg ?? 0 };
      });
      if (Object.keys(fields).length) { showErrors(form, t('validation.fixFields'), fields); return; }
      const body = { name: nameInput.value.trim(), items };
      try {
        if (recipe) await ctx.api.updateRecipe(recipe.id, body); else await ctx.api.createRecipe(body);
        ctx.toast(t('recipes.saved'));
        edit(null);
        load();
      } catch (err) {
        showApiError(form, err, t);
      }
    });
    renderRows();
    mount(editor, h('h2', {}, recipe ? t('recipes.editTitle', { name: recipe.name }) : t('recipes.new')), form);
  }

  edit(null);
  await load();
  return null;
}
