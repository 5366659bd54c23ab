"""The briefing (工作简报): a Chinese text in the form of the seed article, each sentence written from
the figures document (fupin.reports.selectors.figures_for) by templates the county can edit.

    paths     which figure paths a template may name, and how to read one from a document
    syntax    the template language: text with {figure.path} or {figure.path|format}
    defaults  the shipped template, in the seed's style
    compose   a template and a figures document -> a Briefing (sections, sentences, figures)
    writers   a Briefing -> Markdown, HTML, Word (docx) and PDF
"""
