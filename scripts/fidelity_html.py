"""HTML pages of the fidelity fixtures (scripts/make_fidelity.py), each with its hand-checked
main text: HTML_PAGES[name] = (markup, expected).

The markup follows what each CMS emits (class names and ids of MediaWiki's Vector skin, WordPress
with Jetpack sharing and likes, Blogger's classic template, Drupal 7's Bartik theme, an Open
Journal Systems article page); the prose is written for cantobatch. Quoted verse is from Canto I
(the 1925 text, public domain in the US).
"""

from __future__ import annotations

CANTO_I_OPENING = [
    "And then went down to the ship,",
    "Set keel to breakers, forth on the godly sea, and",
    "We set up mast and sail on that swart ship,",
]

MEDIAWIKI = """<!DOCTYPE html>
<html class="client-nojs" lang="en" dir="ltr">
<head>
<meta charset="UTF-8"/>
<title>Canto XLV - PoundWiki</title>
<link rel="canonical" href="https://poundwiki.example.org/wiki/Canto_XLV"/>
<meta name="generator" content="MediaWiki 1.39.3"/>
</head>
<body class="mediawiki ltr sitedir-ltr skin-vector action-view skin-vector-legacy">
<div id="mw-page-base" class="noprint"></div>
<div id="mw-head-base" class="noprint"></div>
<div id="content" class="mw-body" role="main">
<a id="top"></a>
<div id="siteNotice"></div>
<div class="mw-indicators"></div>
<h1 id="firstHeading" class="firstHeading mw-first-heading">Canto XLV</h1>
<div id="bodyContent" class="vector-body">
<div id="siteSub" class="noprint">From PoundWiki, the encyclopedia of The Cantos</div>
<div id="contentSub"></div>
<div id="jump-to-nav"></div>
<a class="mw-jump-link" href="#mw-head">Jump to navigation</a>
<a class="mw-jump-link" href="#searchInput">Jump to search</a>
<div id="mw-content-text" lang="en" dir="ltr" class="mw-content-ltr"><div class="mw-parser-output">
<p><b>Canto XLV</b> is the usury canto of <i>The Fifth Decad of Cantos</i> (1937). It is often
printed alone, and its refrain is the most quoted line of the middle cantos.<sup id="cite_ref-1"
class="reference"><a href="#cite_note-1">[1]</a></sup></p>
<div id="toc" class="toc" role="navigation" aria-labelledby="mw-toc-heading"><div class="toctitle"
lang="en" dir="ltr"><h2 id="mw-toc-heading">Contents</h2></div>
<ul><li class="toclevel-1 tocsection-1"><a href="#Structure"><span class="tocnumber">1</span>
<span class="toctext">Structure</span></a></li><li class="toclevel-1 tocsection-2"><a
href="#Reception"><span class="tocnumber">2</span> <span class="toctext">Reception</span></a></li>
</ul></div>
<h2><span class="mw-headline" id="Structure">Structure</span><span class="mw-editsection"><span
class="mw-editsection-bracket">[</span><a href="/w/index.php?title=Canto_XLV&amp;action=edit&amp;section=1"
title="Edit section: Structure">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
<p>The canto is a single catalogue governed by a refrain. Critics count forty-nine lines in the
collected edition; the first line and the refrain are cited as XLV:1 and XLV:1-2.</p>
<blockquote><p>The usury canto is a closing balance, not a lyric.</p></blockquote>
<h2><span class="mw-headline" id="Reception">Reception</span><span class="mw-editsection"><span
class="mw-editsection-bracket">[</span><a href="/w/index.php?title=Canto_XLV&amp;action=edit&amp;section=2"
title="Edit section: Reception">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
<p>Readers compare it with Canto LI, which repeats the refrain, and with the Siena cantos, Canto
XLII and Canto XLIII, which tell the story of a good bank.<sup id="cite_ref-2" class="reference"><a
href="#cite_note-2">[2]</a></sup></p>
<h2><span class="mw-headline" id="References">References</span></h2>
<div class="reflist"><div class="mw-references-wrap"><ol class="references">
<li id="cite_note-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span>
<span class="reference-text">Terrell, Companion, on Canto XLV.</span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><b><a href="#cite_ref-2">^</a></b></span>
<span class="reference-text">See 42/209 for the founding of the bank.</span></li>
</ol></div></div>
<div role="navigation" class="navbox" aria-labelledby="The_Cantos"><table class="nowraplinks">
<tr><th id="The_Cantos">The Cantos</th></tr><tr><td><a href="/wiki/Canto_I">Canto I</a> ·
<a href="/wiki/Canto_XLIV">Canto XLIV</a> · <a href="/wiki/Canto_XLVI">Canto XLVI</a></td></tr>
</table></div>
</div></div>
<div class="printfooter" data-nosnippet="">Retrieved from "<a dir="ltr"
href="https://poundwiki.example.org/w/index.php?title=Canto_XLV&amp;oldid=4512">https://poundwiki.example.org/w/index.php?title=Canto_XLV&amp;oldid=4512</a>"</div>
<div id="catlinks" class="catlinks" data-mw="interface"><div id="mw-normal-catlinks"
class="mw-normal-catlinks"><a href="/wiki/Special:Categories" title="Special:Categories">Categories</a>:
<ul><li><a href="/wiki/Category:Fifth_Decad">Fifth Decad</a></li><li><a
href="/wiki/Category:Usury">Usury</a></li></ul></div></div>
<div class="visualClear"></div>
</div>
</div>
<div id="mw-navigation">
<h2>Navigation menu</h2>
<div id="mw-head"><div id="p-views" role="navigation" class="vector-menu vector-menu-tabs"><ul>
<li id="ca-view" class="selected"><a href="/wiki/Canto_XLV">Read</a></li><li id="ca-edit"><a
href="/w/index.php?title=Canto_XLV&amp;action=edit">Edit</a></li><li id="ca-history"><a
href="/w/index.php?title=Canto_XLV&amp;action=history">View history</a></li></ul></div></div>
<div id="mw-panel"><div id="p-lang" role="navigation" class="vector-menu portal"><h3>Languages</h3>
<div class="body"><div class="after-portlet after-portlet-lang"><span class="wb-langlinks-edit
wb-langlinks-link"><a href="https://www.wikidata.org/wiki/Special:EntityPage/Q1" class="wbc-editpage">Edit
links</a></span></div></div></div></div>
</div>
<div id="footer" role="contentinfo" class="mw-footer"><ul id="footer-info"><li
id="footer-info-lastmod"> This page was last edited on 3 March 2026, at 10:14.</li></ul></div>
</body>
</html>
"""

MEDIAWIKI_EXPECTED = {
    "layout": "MediaWiki (Vector legacy)",
    "body": [
        "Canto XLV",
        "Canto XLV is the usury canto of The Fifth Decad of Cantos (1937). It is often printed "
        "alone, and its refrain is the most quoted line of the middle cantos.",
        "Structure",
        "The canto is a single catalogue governed by a refrain. Critics count forty-nine lines in "
        "the collected edition; the first line and the refrain are cited as XLV:1 and XLV:1-2.",
        "The usury canto is a closing balance, not a lyric.",
        "Reception",
        "Readers compare it with Canto LI, which repeats the refrain, and with the Siena cantos, "
        "Canto XLII and Canto XLIII, which tell the story of a good bank.",
        "References",
    ],
    "notes": [
        {"page": None, "text": "1 Terrell, Companion, on Canto XLV."},
        {"page": None, "text": "2 See 42/209 for the founding of the bank."},
    ],
    "chrome": [
        "From PoundWiki, the encyclopedia of The Cantos",
        "Jump to navigation",
        "Jump to search",
        "Contents",
        "[edit]",
        "Retrieved from",
        "Categories:",
        "Navigation menu",
        "View history",
        "Edit links",
        "This page was last edited",
        "Canto XLIV",
    ],
    "bib": {
        "title": "Canto XLV - PoundWiki",
        "authors": [],
        "year": None,
        "container": None,
        "doi": None,
        "url": "https://poundwiki.example.org/wiki/Canto_XLV",
    },
}

WORDPRESS = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>Reading Canto XLVII &#8211; Pound Notes</title>
<meta property="og:type" content="article" />
<meta property="og:title" content="Reading Canto XLVII - Pound Notes" />
<meta property="og:url" content="https://poundnotes.example.com/2024/03/reading-canto-xlvii/" />
<meta property="og:site_name" content="Pound Notes" />
<meta property="article:published_time" content="2024-03-03T10:00:00+00:00" />
<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org","@graph":[
{"@type":"Article","@id":"https://poundnotes.example.com/2024/03/reading-canto-xlvii/#article",
"headline":"Reading Canto XLVII","author":{"name":"Ann Critic","@id":"https://poundnotes.example.com/#/person/1"},
"datePublished":"2024-03-03T10:00:00+00:00","publisher":{"@type":"Organization","name":"Pound Notes"}},
{"@type":"WebPage","@id":"https://poundnotes.example.com/2024/03/reading-canto-xlvii/","name":"Reading Canto XLVII - Pound Notes"},
{"@type":"Person","@id":"https://poundnotes.example.com/#/person/1","name":"Ann Critic"}]}</script>
</head>
<body class="post-template-default single single-post postid-42 single-format-standard">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner"><div class="site-branding"><p class="site-title"><a
href="/">Pound Notes</a></p><p class="site-description">Essays on The Cantos</p></div>
<nav id="site-navigation" class="primary-navigation"><ul><li><a href="/">Home</a></li><li><a
href="/about/">About</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-42" class="post-42 post type-post status-publish format-standard hentry category-cantos">
<header class="entry-header"><h1 class="entry-title">Reading Canto XLVII</h1>
<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published"
datetime="2024-03-03T10:00:00+00:00">3 March 2024</time></span><span class="byline"> by <span class="author
vcard"><a class="url fn n" href="/author/ann/">Ann Critic</a></span></span></div></header>
<div class="entry-content">
<p>Canto XLVII begins with Tiresias and ends with the plough. It is the first of the agrarian
cantos, and it answers the usury canto that comes before it, Canto XLV, with a calendar of work.</p>
<p>The seminar read it beside Canto I, where the same seer is consulted at the pit. The opening
of the first canto is worth having in front of you:</p>
<blockquote class="wp-block-quote"><p>And then went down to the ship,<br>Set keel to breakers, forth
on the godly sea, and<br>We set up mast and sail on that swart ship,</p></blockquote>
<p>The return to Tiresias in Canto XLVII is a return to that descent, but the sea has become a
field.</p>
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text
sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul><li class="share-twitter"><a
class="share-twitter sd-button" href="?share=twitter"><span>Twitter</span></a></li><li
class="share-facebook"><a class="share-facebook sd-button" href="?share=facebook"><span>Facebook</span></a></li></ul></div></div></div>
<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper"><h3 class="sd-title">Like this:</h3><div
class="likes-widget-placeholder post-likes-widget-placeholder"><span class="button"><span>Like</span></span>
<span class="loading">Loading...</span></div></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
<div class="jp-relatedposts-items"><p class="jp-relatedposts-post-title"><a href="/canto-xlix/">Canto XLIX
and the seven lakes</a></p></div></div>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/cantos/">Cantos</a></span><span
class="comments-link"><a href="#comments">2 Comments</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2>
<div class="nav-links"><div class="nav-previous"><a href="/canto-xlv/">Previous post: Canto XLV in class</a></div></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on &ldquo;Reading Canto XLVII&rdquo;</h2>
<ol class="comment-list"><li class="comment"><article class="comment-body"><div class="comment-content"><p>Will
you do Canto XLIX next?</p></div></article></li></ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3></div></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2
class="widget-title">Recent Posts</h2><ul><li><a href="/canto-lxxxi/">Canto LXXXI</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">Proudly powered by WordPress</div></footer>
</div>
<div id="cookie-law-info-bar" data-nosnippet="true"><span>This website uses cookies to improve your
experience.<a role="button" class="cli_settings_button">Cookie settings</a><a role="button"
id="cookie_action_close_header" class="cli-plugin-button">ACCEPT</a></span></div>
</body>
</html>
"""

WORDPRESS_EXPECTED = {
    "layout": "WordPress (Jetpack)",
    "body": [
        "Reading Canto XLVII",
        "Canto XLVII begins with Tiresias and ends with the plough. It is the first of the "
        "agrarian cantos, and it answers the usury canto that comes before it, Canto XLV, with a "
        "calendar of work.",
        "The seminar read it beside Canto I, where the same seer is consulted at the pit. The "
        "opening of the first canto is worth having in front of you:",
        " ".join(CANTO_I_OPENING),
        "The return to Tiresias in Canto XLVII is a return to that descent, but the sea has "
        "become a field.",
    ],
    "notes": [],
    "chrome": [
        "Skip to content",
        "Essays on The Cantos",
        "Posted on",
        "Share this:",
        "Twitter",
        "Like this:",
        "Loading...",
        "Related",
        "Canto XLIX and the seven lakes",
        "Posted in",
        "2 Comments",
        "Previous post",
        "Will you do Canto XLIX next?",
        "Leave a Reply",
        "Recent Posts",
        "Proudly powered by WordPress",
        "This website uses cookies",
    ],
    "bib": {
        "title": "Reading Canto XLVII",
        "authors": ["Ann Critic"],
        "year": 2024,
        "container": "Pound Notes",
        "doi": None,
        "url": "https://poundnotes.example.com/2024/03/reading-canto-xlvii/",
    },
}

BLOGGER = f"""<!DOCTYPE html>
<html dir='ltr' xmlns='http://www.w3.org/1999/xhtml' xmlns:b='http://www.google.com/2005/gml/b'>
<head>
<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<title>POUNDIAN: Canto I and the Seafarer rhythm</title>
<meta content='https://poundian.example.blogspot.com/2024/05/canto-i-seafarer.html' property='og:url'/>
<meta content='Canto I and the Seafarer rhythm' property='og:title'/>
</head>
<body>
<div class='outer-wrapper'>
<div class='header-outer'><div class='Header widget' id='Header1'><h1 class='title'>POUNDIAN</h1>
<p class='description'>A notebook on The Cantos, line by line</p></div></div>
<div class='main-inner'><div class='column-center-inner'><div class='main section' id='main'>
<div class='widget Blog' id='Blog1'><div class='blog-posts hfeed'>
<div class='date-outer'><h2 class='date-header'><span>Friday, 3 May 2024</span></h2>
<div class='post-outer'>
<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope'
itemtype='http://schema.org/BlogPosting'>
<a name='4242'></a>
<h3 class='post-title entry-title' itemprop='name'>Canto I and the Seafarer rhythm</h3>
<div class='post-header'><div class='post-header-line-1'></div></div>
<div class='post-body entry-content' id='post-body-4242' itemprop='description articleBody'>
The first canto borrows the rhythm of the Seafarer for a translation of a Latin Odyssey. Its
opening lines, as the seminar transcribed them:<br /><br />{"<br />".join(CANTO_I_OPENING)}<br /><br />
Each line falls into two halves, and the halves alliterate. Canto I, ll. 1-3, is the cleanest
example in the poem.<br /><br />
<div style='clear: both;'></div>
</div>
<div class='post-footer'>
<div class='post-footer-line post-footer-line-1'><span class='post-author vcard'>Posted by <span class='fn'
itemprop='author' itemscope='itemscope' itemtype='http://schema.org/Person'><span itemprop='name'>Ann
Critic</span></span></span> <span class='post-timestamp'>at <a class='timestamp-link' href='#'><abbr
class='published' title='2024-05-03T09:12:00+01:00'>09:12</abbr></a></span> <span
class='post-comment-link'><a class='comment-link' href='#comments'>3 comments:</a></span>
<div class='post-share-buttons goog-inline-block'><a class='goog-inline-block share-button sb-email'
href='#' title='Email This'><span class='share-button-link-text'>Email This</span></a><a
class='goog-inline-block share-button sb-blog' href='#' title='BlogThis!'><span
class='share-button-link-text'>BlogThis!</span></a><a class='goog-inline-block share-button sb-twitter'
href='#' title='Share to Twitter'><span class='share-button-link-text'>Share to Twitter</span></a></div></div>
<div class='post-footer-line post-footer-line-2'><span class='post-labels'>Labels: <a href='#'
rel='tag'>Canto I</a></span></div>
</div>
</div>
<div class='comments' id='comments'><a name='comments'></a><h4>3 comments:</h4><div
class='comments-content'><p>Lovely reading of the Nekuia.</p></div></div>
</div></div></div>
<div class='blog-pager' id='blog-pager'><span id='blog-pager-newer-link'><a class='blog-pager-newer-link'
href='#' title='Newer Post'>Newer Post</a></span><span id='blog-pager-older-link'><a
class='blog-pager-older-link' href='#' title='Older Post'>Older Post</a></span><a class='home-link'
href='#'>Home</a></div>
<div class='clear'></div>
<div class='post-feeds'><div class='feed-links'>Subscribe to: <a class='feed-link' href='#'
type='application/atom+xml'>Post Comments (Atom)</a></div></div>
</div></div></div></div>
<div class='column-right-outer'><div class='sidebar section' id='sidebar-right-1'><div
class='widget BlogArchive' id='BlogArchive1'><h2>Blog Archive</h2><ul><li>May 2024</li></ul></div></div></div>
</div>
</body>
</html>
"""

BLOGGER_EXPECTED = {
    "layout": "Blogger (classic template)",
    "body": [
        "Canto I and the Seafarer rhythm",
        "The first canto borrows the rhythm of the Seafarer for a translation of a Latin "
        "Odyssey. Its opening lines, as the seminar transcribed them:",
        " ".join(CANTO_I_OPENING),
        "Each line falls into two halves, and the halves alliterate. Canto I, ll. 1-3, is the "
        "cleanest example in the poem.",
    ],
    "notes": [],
    "chrome": [
        "A notebook on The Cantos, line by line",
        "Friday, 3 May 2024",
        "Posted by",
        "3 comments:",
        "Email This",
        "BlogThis!",
        "Share to Twitter",
        "Labels:",
        "Lovely reading of the Nekuia.",
        "Newer Post",
        "Older Post",
        "Subscribe to:",
        "Blog Archive",
    ],
    "bib": {
        "title": "Canto I and the Seafarer rhythm",
        "authors": [],
        "year": None,
        "container": None,
        "doi": None,
        "url": "https://poundian.example.blogspot.com/2024/05/canto-i-seafarer.html",
    },
}

DRUPAL = """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8" />
<title>The Malatesta Cantos in Class | Modernism Lab</title>
<meta name="dcterms.title" content="The Malatesta Cantos in Class" />
<meta name="dcterms.creator" content="Ben Reader" />
<meta name="dcterms.date" content="2023-11-20T09:00+00:00" />
<meta name="dcterms.publisher" content="Modernism Lab" />
<link rel="canonical" href="https://modlab.example.edu/node/7" />
</head>
<body class="html not-front not-logged-in one-sidebar sidebar-first page-node page-node- page-node-7 node-type-article">
<div id="skip-link"><a href="#main-content" class="element-invisible element-focusable">Skip to main content</a></div>
<div id="page-wrapper"><div id="page">
<div id="header"><div class="section clearfix"><div id="name-and-slogan"><div id="site-name"><strong><a
href="/" title="Home" rel="home"><span>Modernism Lab</span></a></strong></div></div>
<div id="main-menu" class="navigation"><h2 class="element-invisible">Main menu</h2><ul class="links
clearfix"><li class="menu-218 first"><a href="/">Home</a></li><li class="menu-300 last"><a
href="/seminars">Seminars</a></li></ul></div></div></div>
<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">
<div id="breadcrumb"><h2 class="element-invisible">You are here</h2><div class="breadcrumb"><a
href="/">Home</a></div></div>
<div id="content" class="column"><div class="section">
<a id="main-content"></a>
<h1 class="title" id="page-title">The Malatesta Cantos in Class</h1>
<div class="tabs"><h2 class="element-invisible">Primary tabs</h2><ul class="tabs primary"><li
class="active"><a href="/node/7" class="active">View<span class="element-invisible">(active tab)</span></a></li>
<li><a href="/node/7/edit">Edit</a></li></ul></div>
<div class="region region-content"><div id="block-system-main" class="block block-system">
<div class="content"><div id="node-7" class="node node-article node-promoted clearfix">
<div class="meta submitted"><span property="dc:date dc:created" content="2023-11-20T09:00:00+00:00">Submitted by
<span class="username">ben</span> on Mon, 11/20/2023 - 09:00</span></div>
<div class="content clearfix"><div class="field field-name-body field-type-text-with-summary
field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">
<p>The Malatesta Cantos, Cantos VIII to XI, are the seminar's first long documentary sequence. We
read them in two weeks, one for the battles and one for the letters.</p>
<h3>The letters</h3>
<p>The postbag in Canto IX is the part students remember. Its letters are cited by line, and
IX:ll.15-28 is the passage the seminar read aloud.</p>
</div></div></div>
<div class="field field-name-field-tags field-type-taxonomy-term-reference field-label-above"><div
class="field-label">Tags:&nbsp;</div><div class="field-items"><div class="field-item even"><a
href="/tags/malatesta">Malatesta</a></div></div></div></div>
<div class="link-wrapper"><ul class="links inline"><li class="comment_forbidden first last"><span><a
href="/user/login?destination=node/7%23comment-form">Log in</a> or <a
href="/user/register?destination=node/7%23comment-form">register</a> to post comments</span></li></ul></div>
</div></div></div></div>
</div></div>
<div id="sidebar-first" class="column sidebar"><div class="section"><div class="region
region-sidebar-first"><div id="block-search-form" class="block block-search"><h2
class="element-invisible">Search form</h2></div><div class="block"><h2>Recent content</h2><ul><li>Canto
LXXIV week</li></ul></div></div></div></div>
</div></div>
<div id="footer-wrapper"><div class="section"><div id="footer" class="clearfix"><div class="region
region-footer"><div class="block">Powered by Drupal</div></div></div></div></div>
</div></div>
</body>
</html>
"""

DRUPAL_EXPECTED = {
    "layout": "Drupal 7 (Bartik)",
    "body": [
        "The Malatesta Cantos in Class",
        "The Malatesta Cantos, Cantos VIII to XI, are the seminar's first long documentary "
        "sequence. We read them in two weeks, one for the battles and one for the letters.",
        "The letters",
        "The postbag in Canto IX is the part students remember. Its letters are cited by line, "
        "and IX:ll.15-28 is the passage the seminar read aloud.",
    ],
    "notes": [],
    "chrome": [
        "Skip to main content",
        "Main menu",
        "Seminars",
        "You are here",
        "Primary tabs",
        "(active tab)",
        "Submitted by",
        "Tags:",
        "Log in",
        "to post comments",
        "Search form",
        "Recent content",
        "Canto LXXIV week",
        "Powered by Drupal",
    ],
    "bib": {
        "title": "The Malatesta Cantos in Class",
        "authors": ["Ben Reader"],
        "year": 2023,
        "container": None,
        "doi": None,
        "url": "https://modlab.example.edu/node/7",
    },
}

ACADEMIC = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Counting the Nekuia | Journal of Canto Studies</title>
<meta name="citation_title" content="Counting the Nekuia: Line Numbers in Canto I">
<meta name="citation_author" content="Critic, Ann">
<meta name="citation_author" content="Reader, Ben">
<meta name="citation_publication_date" content="2026/01/15">
<meta name="citation_journal_title" content="Journal of Canto Studies">
<meta name="citation_volume" content="12">
<meta name="citation_doi" content="10.5555/jcs.2026.0003">
<meta name="citation_abstract_html_url" content="https://jcs.example.org/article/view/3">
<meta name="DC.Title" content="Counting the Nekuia">
<meta property="og:site_name" content="Journal of Canto Studies">
</head>
<body>
<div id="header"><a href="/">Journal of Canto Studies</a></div>
<div id="navbar"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/about">About</a></li><li><a
href="/login">Login</a></li></ul></div>
<div id="breadcrumb"><a href="/">Home</a> / <a href="/issue/archive">Archives</a> / Vol. 12</div>
<div id="main">
<div id="content">
<h1>Counting the Nekuia: Line Numbers in Canto I</h1>
<p class="authors">Ann Critic and Ben Reader</p>
<h2>Abstract</h2>
<p>How many lines has Canto I? The answer depends on whether step-down lines count, and it
decides what Canto I, line 64 refers to.<sup><a href="#fn1" id="fnref1">1</a></sup></p>
<h2>The opening</h2>
<p class="verse">And then went down to the ship,<br>
Set keel to breakers, forth on the godly sea, and<br>
We set up mast and sail on that swart ship,</p>
<p>These lines are Canto I, ll. 1-3, in every count, because nothing in them steps down.<sup><a
href="#fn2" id="fnref2">2</a></sup></p>
<div class="footnotes"><hr><ol>
<li id="fn1">Our transcription has 76 lines.<a href="#fnref1" class="footnote-back">&#8617;</a></li>
<li id="fn2">Compare the count in Canto II, ll. 4-8.<a href="#fnref2" class="footnote-back">&#8617;</a></li>
</ol></div>
</div>
</div>
<div id="sidebar"><div class="block"><h3>Make a Submission</h3></div><div class="block"><h3>Information</h3><ul><li>For
Readers</li></ul></div></div>
<div id="footer"><p>Platform and workflow by OJS / PKP</p></div>
</body>
</html>
"""

ACADEMIC_EXPECTED = {
    "layout": "academic journal page (OJS)",
    "body": [
        "Counting the Nekuia: Line Numbers in Canto I",
        "Ann Critic and Ben Reader",
        "Abstract",
        "How many lines has Canto I? The answer depends on whether step-down lines count, and it "
        "decides what Canto I, line 64 refers to.",
        "The opening",
        " ".join(CANTO_I_OPENING),
        "These lines are Canto I, ll. 1-3, in every count, because nothing in them steps down.",
    ],
    "notes": [
        {"page": None, "text": "1 Our transcription has 76 lines."},
        {"page": None, "text": "2 Compare the count in Canto II, ll. 4-8."},
    ],
    "chrome": [
        "Login",
        "Archives",
        "Make a Submission",
        "For Readers",
        "Platform and workflow by OJS",
    ],
    "bib": {
        "title": "Counting the Nekuia: Line Numbers in Canto I",
        "authors": ["Critic, Ann", "Reader, Ben"],
        "year": 2026,
        "container": "Journal of Canto Studies",
        "doi": "10.5555/jcs.2026.0003",
        "url": "https://jcs.example.org/article/view/3",
    },
}

HTML_PAGES = {
    "mediawiki_canto_xlv.html": (MEDIAWIKI, MEDIAWIKI_EXPECTED),
    "wordpress_post.html": (WORDPRESS, WORDPRESS_EXPECTED),
    "blogger_post.html": (BLOGGER, BLOGGER_EXPECTED),
    "drupal_node.html": (DRUPAL, DRUPAL_EXPECTED),
    "academic_article.html": (ACADEMIC, ACADEMIC_EXPECTED),
}
