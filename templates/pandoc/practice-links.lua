-- Citations of practices, written `[@PL-001]` in chapters, become links to the profile
-- where the edition has it, and stay plain ids where it does not (a brief edition
-- cites practices it does not profile). In the PDF, print CSS adds the page number of
-- the target after each link, with the words the language puts around it.
local page_before, page_after = "p.\u{a0}", ""
local practices, profiled = {}, {}

function Meta(meta)
  if meta["page-before"] then page_before = pandoc.utils.stringify(meta["page-before"]) end
  if meta["page-after"] then page_after = pandoc.utils.stringify(meta["page-after"]) end
  for _, id in ipairs(meta["practice-ids"] or {}) do practices[pandoc.utils.stringify(id)] = true end
  for _, id in ipairs(meta["profiled-practices"] or {}) do profiled[pandoc.utils.stringify(id)] = true end
end

function Cite(cite)
  local out = pandoc.List()
  for i, c in ipairs(cite.citations) do
    if not practices[c.id] then return nil end
    if i > 1 then out:insert(pandoc.Str("; ")) end
    if profiled[c.id] then
      out:insert(pandoc.Link({pandoc.Str(c.id)}, "#practice-" .. c.id:lower(), "",
        pandoc.Attr("", {"practice-ref"},
          {{"data-page-before", page_before}, {"data-page-after", page_after}})))
    else
      out:insert(pandoc.Str(c.id))
    end
  end
  local bracketed = cite.citations[1].mode ~= "AuthorInText"
  if bracketed then
    out:insert(1, pandoc.Str("("))
    out:insert(pandoc.Str(")"))
  end
  return pandoc.Span(out, pandoc.Attr("", {"practice-cite"}))
end

return {{Meta = Meta}, {Cite = Cite}}
